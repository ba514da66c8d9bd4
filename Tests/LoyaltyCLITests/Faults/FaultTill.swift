import Foundation
import LoyaltyTesting

/// A till that does what the protocol asks of one (docs/protocol.md §5): on a time-out or a lost
/// connection it reconnects, authenticates again and resends the same line, until it gets an answer.
final class FaultTill: @unchecked Sendable {
    /// What happened to one request line.
    struct Outcome: Sendable {
        let line: String
        /// The first reply that was not `ERR UNAVAILABLE`.
        let reply: String
        /// `ERR UNAVAILABLE` replies before it, connections lost and replies that took longer than the read time-out.
        var unavailable = 0
        var lost = 0
        var slow = 0
    }

    let terminal: String
    private let secret: String
    private let server: FaultServer
    private let readTimeout: Duration
    private var client: LineClient?

    init(terminal: String, secret: String, server: FaultServer, readTimeout: Duration) {
        self.terminal = terminal
        self.secret = secret
        self.server = server
        self.readTimeout = readTimeout
    }

    /// Sends `line` until it is answered (anything but `ERR UNAVAILABLE`) or `deadline` passes (then throws).
    func send(_ line: String, until deadline: ContinuousClock.Instant) async throws -> Outcome {
        var unavailable = 0
        var lost = 0
        var slow = 0
        while ContinuousClock.now < deadline {
            guard let client = await connected() else {
                try await Task.sleep(for: .milliseconds(100))
                continue
            }
            let started = ContinuousClock.now
            let reply = await request(line, on: client)
            if ContinuousClock.now - started >= readTimeout { slow += 1 }
            guard let reply else {
                lost += 1
                self.client = nil
                continue
            }
            if reply.hasPrefix("ERR UNAVAILABLE") {
                unavailable += 1
                try await Task.sleep(for: .milliseconds(100))
                continue
            }
            var outcome = Outcome(line: line, reply: reply)
            outcome.unavailable = unavailable
            outcome.lost = lost
            outcome.slow = slow
            return outcome
        }
        throw CLITestError.timeout("\(terminal): no answer to '\(line)' before the deadline")
    }

    func close() async {
        await client?.close()
        client = nil
    }

    /// The open, authenticated connection, or a new one; nil while the server cannot be reached.
    private func connected() async -> LineClient? {
        if let client { return client }
        guard server.port != 0, let client = try? await LineClient.connect(port: server.port) else { return nil }
        guard let reply = await request("AUTH terminal=\(terminal) secret=\(secret)", on: client), reply.hasPrefix("OK ") else {
            await client.close()
            return nil
        }
        self.client = client
        return client
    }

    /// One request and its reply, or nil when the connection was lost or the reply took longer than the read
    /// time-out (the connection is then closed, as a till gives up on it).
    private func request(_ line: String, on client: LineClient) async -> String? {
        let timeout = readTimeout
        let watchdog = Task {
            try await Task.sleep(for: timeout)
            await client.close()
        }
        defer { watchdog.cancel() }
        do {
            try await client.send(line)
            return try await client.readLine()
        } catch {
            return nil
        }
    }
}
