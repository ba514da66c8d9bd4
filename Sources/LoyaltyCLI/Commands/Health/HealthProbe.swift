import LoyaltyCore
import NIOCore
import NIOPosix

/// One probe of a running server: connect, send one line (`HEALTH` or `PING`), read one reply line.
struct HealthProbe: Sendable {
    let host: String
    let port: Int
    let timeout: Duration

    /// The reply line, without its LF. Throws `UNAVAILABLE` when the server cannot be reached or does not
    /// answer within the time-out.
    func ask(_ line: String) async throws(LoyaltyError) -> String {
        let host = self.host
        let port = self.port
        let timeout = self.timeout
        do {
            return try await withThrowingTaskGroup(of: String?.self) { group in
                group.addTask { try await Self.exchange(host: host, port: port, timeout: timeout, line: line) }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    return nil
                }
                defer { group.cancelAll() }
                guard let first = try await group.next(), let reply = first else {
                    throw LoyaltyError(.unavailable, "no answer from \(host):\(port) within \(timeout)")
                }
                return reply
            }
        } catch let error as LoyaltyError {
            throw error
        } catch let error as IOError {
            throw LoyaltyError(.unavailable, "cannot connect to \(host):\(port): \(error.description)")
        } catch {
            throw LoyaltyError(.unavailable, "cannot reach \(host):\(port): \(error)")
        }
    }

    private static func exchange(host: String, port: Int, timeout: Duration, line: String) async throws -> String {
        let (seconds, attoseconds) = timeout.components
        let connectTimeout = TimeAmount.nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(connectTimeout)
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            try await outbound.write(ByteBuffer(string: line + "\n"))
            var received: [UInt8] = []
            for try await buffer in inbound {
                received += buffer.readableBytesView
                if let newline = received.firstIndex(of: UInt8(ascii: "\n")) {
                    try? await outbound.write(ByteBuffer(string: "QUIT\n"))
                    return String(decoding: received[..<newline], as: UTF8.self)
                }
                // A reply line is short; a server that sends more without a newline is not ours.
                if received.count > 65_536 { break }
            }
            throw LoyaltyError(.unavailable, "\(host):\(port) closed the connection without a reply")
        }
    }
}
