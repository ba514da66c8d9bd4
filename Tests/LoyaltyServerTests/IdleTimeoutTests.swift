import LoyaltyTesting
import Testing

@Suite("Idle time-out (PostgreSQL, TCP)", .timeLimit(.minutes(6)))
struct IdleTimeoutTests {
    @Test("an idle connection is closed by the server within a few seconds")
    func idleConnectionClosed() async throws {
        try await withServer(configure: { $0.idleTimeout = .seconds(1) }) { server in
            let client = try await server.till("till-1")
            var closed = false
            let elapsed = try await measure { closed = try await serverCloses(client, within: .seconds(5)) }
            #expect(closed)
            #expect(elapsed >= .milliseconds(500), "closed after \(elapsed)")
            // The server still accepts new connections.
            #expect(try await server.open().pings())
        }
    }

    @Test("a connection that keeps sending is not closed; once silent, it is")
    func activityKeepsConnectionOpen() async throws {
        try await withServer(configure: { $0.idleTimeout = .seconds(2) }) { server in
            let client = try await server.till("till-1")
            for _ in 0..<6 {
                try await Task.sleep(for: .milliseconds(500))
                #expect(try await client.pings())
            }
            #expect(try await serverCloses(client, within: .seconds(5)))
        }
    }

    @Test("a sub-second idle time-out is honoured, not truncated to zero")
    func subSecondTimeout() async throws {
        try await withServer(configure: { $0.idleTimeout = .milliseconds(800) }) { server in
            let client = try await server.open()
            try await Task.sleep(for: .milliseconds(200))
            let reply = try? await client.request("PING")
            #expect(reply?.hasPrefix("OK time=") == true, "the connection was closed after 200 ms of silence")
            #expect(try await serverCloses(client, within: .seconds(5)))
        }
    }
}
