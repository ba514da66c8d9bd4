import LoyaltyProtocol
import NIOCore
import NIOPosix

/// A connection to the terminal server as the bench uses it: reply lines in, request bytes out.
typealias BenchChannel = NIOAsyncChannel<Frame, ByteBuffer>

extension NIOAsyncChannel where Inbound == Frame, Outbound == ByteBuffer {
    /// Connects, with the protocol's own line decoder (a generous limit: replies are trusted more than requests).
    static func connect(host: String, port: Int) async throws -> BenchChannel {
        try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .connectTimeout(.seconds(30))
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        ByteToMessageHandler(LineFrameDecoder(maximumLineLength: 1 << 16)))
                    return try BenchChannel(wrappingChannelSynchronously: channel)
                }
            }
    }
}

/// What one reply line says, read from its bytes without building strings for the common case.
enum ReplyOutcome: Equatable {
    case ok
    /// `ERR CODE …`, or `BAD_REPLY` for a line that is neither.
    case error(String)

    init(_ frame: Frame) {
        guard case .line(let line) = frame else {
            self = .error("BAD_REPLY")
            return
        }
        let bytes = line.readableBytesView
        if bytes.starts(with: [UInt8(ascii: "O"), UInt8(ascii: "K")]),
            bytes.count == 2 || bytes[bytes.startIndex + 2] == UInt8(ascii: " ")
        {
            self = .ok
            return
        }
        let prefix: [UInt8] = Array("ERR ".utf8)
        guard bytes.starts(with: prefix) else {
            self = .error("BAD_REPLY")
            return
        }
        let codeStart = bytes.startIndex + prefix.count
        let codeEnd = bytes[codeStart...].firstIndex(of: UInt8(ascii: " ")) ?? bytes.endIndex
        self = codeEnd > codeStart ? .error(String(decoding: bytes[codeStart..<codeEnd], as: UTF8.self)) : .error("BAD_REPLY")
    }
}
