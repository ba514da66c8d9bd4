import NIOCore
import NIOPosix
import NIOSSL

/// A terminal for tests: a real TCP connection that sends request lines and reads reply lines.
/// Use one client from one task at a time (like a till: one conversation per connection).
public final class LineClient: @unchecked Sendable {
    private let channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>
    private var inbound: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
    private let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    private var pending: [UInt8] = []
    private var closedByPeer = false

    /// - Parameter tls: a client context to speak TLS with (its handshake runs with the first request).
    public static func connect(host: String = "127.0.0.1", port: Int, tls: NIOSSLContext? = nil) async throws -> LineClient {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: tls, serverHostname: "localhost"))
                    }
                    return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        return LineClient(channel)
    }

    private init(_ channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>) {
        self.channel = channel
        self.inbound = channel.inbound.makeAsyncIterator()
        self.outbound = channel.outbound
    }

    /// Sends one request line (the LF is added).
    public func send(_ line: String) async throws {
        try await sendRaw(Array((line + "\n").utf8))
    }

    /// Sends bytes as they are: half lines, many lines at once, invalid UTF-8.
    public func sendRaw(_ bytes: [UInt8]) async throws {
        try await outbound.write(ByteBuffer(bytes: bytes))
    }

    /// The next reply line without its LF, or nil once the server has closed the connection.
    public func readLine() async throws -> String? {
        while true {
            if let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: pending[..<newline], as: UTF8.self)
                pending.removeSubrange(...newline)
                return line
            }
            if closedByPeer { return nil }
            do {
                guard let buffer = try await inbound.next() else {
                    closedByPeer = true
                    continue
                }
                pending += buffer.readableBytesView
            } catch {
                closedByPeer = true
            }
        }
    }

    /// Sends a request and reads its one-line reply.
    public func request(_ line: String) async throws -> String {
        try await send(line)
        guard let reply = try await readLine() else { throw LineClientError.closed }
        return reply
    }

    /// Sends a request whose reply is a list: returns the `OK count=N` line and the N item lines.
    public func requestList(_ line: String) async throws -> (header: String, items: [String]) {
        let header = try await request(line)
        guard header.hasPrefix("OK count="), let count = Int(header.dropFirst(9).prefix { $0.isNumber }) else {
            return (header, [])
        }
        var items: [String] = []
        for _ in 0..<count {
            guard let item = try await readLine() else { throw LineClientError.closed }
            items.append(item)
        }
        return (header, items)
    }

    /// Whether the server closed the connection: reads until EOF and fails if a line arrives instead.
    public func isClosedByServer() async throws -> Bool {
        try await readLine() == nil
    }

    /// Closes the connection. A client that is dropped without `close()` is closed when it deinitialises.
    public func close() async {
        outbound.finish()
        try? await channel.channel.close()
    }

    deinit {
        // NIOAsyncChannel's writer must be finished before it goes away; a test may drop a client mid-conversation.
        outbound.finish()
        channel.channel.close(promise: nil)
    }
}

public enum LineClientError: Error {
    case closed
}
