import Foundation
import LoyaltyTesting
import Testing

@Suite("Graceful shutdown (PostgreSQL, TCP)", .timeLimit(.minutes(6)))
struct ShutdownTests {
    /// What a server body hands to the test before it returns (which starts the shutdown).
    struct Handoff: Sendable {
        let till: LineClient
        let terminal: (name: String, secret: String)
        let member: String
        let port: Int
        let lock: RowLock
    }

    /// Starts a server on `database`, sends `EARN req=late-1` that blocks on a held row lock, hands the
    /// connection over and returns from the body, so that the server shuts down with the request in flight.
    static func serverWithRequestInFlight(
        _ database: TestDatabase, gracePeriod: Duration, group: inout ThrowingTaskGroup<Void, any Error>
    ) async throws -> Handoff {
        let (handoffs, continuation) = AsyncStream.makeStream(of: Handoff.self)
        group.addTask {
            try await withTestServer(database: database, configure: { $0.shutdownGracePeriod = gracePeriod }) { server in
                defer { continuation.finish() }
                let terminal = try await server.addTerminal("till-1")
                let till = try await server.connect(as: terminal)
                let member = try await till.enroll()
                let lock = try await RowLock.account(server.database, member: member)
                do {
                    try await till.send("EARN req=late-1 member=\(member) points=5")
                    try await lock.waitForWaiters(1)
                } catch {
                    await lock.close()
                    throw error
                }
                continuation.yield(Handoff(till: till, terminal: terminal, member: member, port: server.port, lock: lock))
            }
        }
        var iterator = handoffs.makeAsyncIterator()
        guard let handoff = await iterator.next() else { throw UnexpectedReply(reply: "", reason: "server body failed") }
        return handoff
    }

    @Test("shutdown with an idle client connected ends promptly and closes the client")
    func idleClientDoesNotDelayShutdown() async throws {
        try await withOpenClients {
            let clock = ContinuousClock()
            let (client, bodyEnded) = try await withTestServer(configure: { $0.shutdownGracePeriod = .seconds(60) }) { server in
                let client = try await server.till("till-1")
                #expect(try await client.pings())
                return (client, clock.now)
            }
            let shutdown = clock.now - bodyEnded
            #expect(shutdown < .seconds(5), "shutdown took \(shutdown)")
            #expect(try await serverCloses(client, within: .seconds(2)))
        }
    }

    @Test("a request in flight at shutdown gets its reply, then the connection closes")
    func inFlightRequestFinishes() async throws {
        try await withOpenClients { try await withTestDatabase { database in
            try await withThrowingTaskGroup(of: Void.self) { group in
                let handoff = try await Self.serverWithRequestInFlight(database, gracePeriod: .seconds(60), group: &group)
                // Let the shutdown begin before the request can finish.
                try? await Task.sleep(for: .milliseconds(300))
                try await handoff.lock.release()
                let outcome = try await nextLine(handoff.till, within: .seconds(10))
                guard case .line(let reply) = outcome else {
                    Issue.record("the request in flight got no reply: \(outcome)")
                    return
                }
                #expect(try okFields(reply)["earned"] == "5")
                #expect(try await serverCloses(handoff.till, within: .seconds(5)))
                try await group.waitForAll()
            }
        } }
    }

    @Test("past the grace period a busy connection is closed; the till's retry after restart replays the outcome")
    func gracePeriodBoundsTheWait() async throws {
        try await withOpenClients { try await withTestDatabase { database in
            let handoff = try await withThrowingTaskGroup(of: Void.self, returning: Handoff.self) { group in
                let handoff = try await Self.serverWithRequestInFlight(database, gracePeriod: .seconds(1), group: &group)
                let elapsed: Duration
                var closed = false
                do {
                    elapsed = try await measure { closed = try await serverCloses(handoff.till, within: .seconds(10)) }
                } catch {
                    await handoff.lock.close()
                    throw error
                }
                #expect(closed, "the busy connection was not closed after the grace period")
                #expect(elapsed < .seconds(5), "closed after \(elapsed)")
                try await handoff.lock.release()
                try await group.waitForAll()
                return handoff
            }
            // The terminal never saw a reply; its retry with the same req is safe.
            try await withTestServer(database: database) { server in
                let till = try await server.connect(as: handoff.terminal)
                let retry = try await till.ok("EARN req=late-1 member=\(handoff.member) points=5")
                #expect(retry["earned"] == "5")
                #expect(try await server.entryCount(handoff.member) == 1)
                #expect(try await till.balance(handoff.member) == 5)
            }
        } }
    }

    /// Tills reconnecting while the server stops: a connection accepted as the listener closes must be
    /// closed cleanly. (Dropping it unfinished makes NIO trap: "Deinited NIOAsyncWriter without calling
    /// finish()", which would take the whole process down.)
    @Test("connections arriving while the server shuts down do not crash it")
    func connectionsDuringShutdown() async throws {
        for _ in 0..<5 {
            try await withOpenClients {
                let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        try await withTestServer { server in
                            continuation.yield(server.port)
                            continuation.finish()
                            try await Task.sleep(for: .milliseconds(200))
                        }
                    }
                    var iterator = ports.makeAsyncIterator()
                    guard let port = await iterator.next() else { return }
                    for _ in 0..<8 {
                        group.addTask {
                            // Connect and hang up until the listener is gone.
                            for _ in 0..<2_000 {
                                guard let client = try? await LineClient.connect(port: port) else { return }
                                await client.close()
                            }
                        }
                    }
                    try await group.waitForAll()
                }
            }
        }
    }
}
