import LoyaltyBench
import LoyaltyCore
import LoyaltyStore
import LoyaltyTesting
import Testing

/// The load generator against a live server and its database: what it reports is what the database
/// recorded.
@Suite("Load generator (PostgreSQL, live server)", .timeLimit(.minutes(6)))
struct LoadGeneratorTests {
    /// Ledger entries of a kind written by the run's requests.
    func entries(_ db: TestDatabase, _ kind: String, run: String) async throws -> Int64 {
        try await db.scalar("select count(*)::int8 from point_entries where kind = \(kind) and request_id like \(run + "-%")")
    }

    func succeeded(_ report: BenchReport, _ verb: String) -> Int {
        (report.measured.operations[verb]?.succeeded ?? 0) + (report.warmup.operations[verb]?.succeeded ?? 0)
    }

    @Test("earn, 4 terminals at depth 2: every EARN counted as a success is one ledger entry and one idempotency record")
    func earnCountsMatchTheDatabase() async throws {
        try await withTestServer { server in
            let seed = try await server.store.seedBench(BenchSeedRequest(members: 200, terminals: 4, giftCards: 0), actor: "test")
            let configuration = BenchConfiguration(
                port: server.port, terminals: 4, depth: 2, mix: .earn, members: 200, duration: .milliseconds(1500),
                warmup: .milliseconds(300))
            let report = try await LoadGenerator.run(configuration, seed: seed)
            let earned = succeeded(report, "EARN")
            #expect(report.connected == 4 && report.connectionFailures.total == 0)
            #expect(report.measured.requests > 0 && report.measured.errors.isEmpty && report.warmup.errors.isEmpty)
            #expect(report.measured.operations.keys.sorted() == ["EARN"])
            #expect(report.measured.succeeded == report.measured.requests)
            #expect(try await entries(server.database, "earn", run: report.runID) == Int64(earned))
            #expect(
                try await server.database.scalar(
                    "select count(*)::int8 from terminal_requests where verb = 'EARN' and request_id like \(report.runID + "-%")")
                    == Int64(earned))
            #expect(
                try await server.database.scalar(
                    "select count(*)::int8 from purchases p join terminals t on t.id = p.terminal_id where t.name like 'bench-%'")
                    == Int64(earned))
            #expect(report.latency.p50 > 0 && report.latency.p50 <= report.latency.p99 && report.latency.p99 <= report.latency.max)
            #expect(report.throughput > 0 && report.elapsedMicroseconds >= 1_000_000)
            #expect(report.serverMemory == nil)
        }
    }

    @Test("mixed: no INTERNAL or protocol errors; each verb's successes are what the database recorded")
    func mixedCountsMatchTheDatabase() async throws {
        try await withTestServer { server in
            let seed = try await server.store.seedBench(BenchSeedRequest(members: 200, terminals: 4, giftCards: 50), actor: "test")
            let configuration = BenchConfiguration(
                port: server.port, terminals: 4, depth: 2, mix: .mixed, members: 200, duration: .milliseconds(2000),
                warmup: .zero)
            let report = try await LoadGenerator.run(configuration, seed: seed)
            let db = server.database
            #expect(report.connectionFailures.total == 0)
            // Members start with 10,000 points and cards with 100,000,000.00 EUR: no refusal is expected at all.
            #expect(report.measured.errors.isEmpty, "\(report.measured.errors)")
            #expect(report.measured.succeeded == report.measured.requests && report.warmup.requests == 0)
            #expect(Set(report.measured.operations.keys).isSuperset(of: ["EARN", "BALANCE", "MEMBER", "REDEEM"]))
            #expect(try await entries(db, "earn", run: report.runID) == Int64(succeeded(report, "EARN")))
            #expect(try await entries(db, "redeem", run: report.runID) == Int64(succeeded(report, "REDEEM")))
            #expect(try await entries(db, "reverse", run: report.runID) == Int64(succeeded(report, "REVERSE")))
            #expect(
                try await db.scalar(
                    "select count(*)::int8 from gift_card_activities where kind = 'redeem' and request_id like \(report.runID + "-%")")
                    == Int64(succeeded(report, "GIFT REDEEM")))
            // A REVERSE names an EARN of its own connection that succeeded, each at most once.
            #expect(
                try await db.scalar(
                    """
                    select count(*)::int8 from point_entries r join point_entries e on e.id = r.reverses_entry_id
                     where r.kind = 'reverse' and r.request_id like \(report.runID + "-%") and e.terminal_id = r.terminal_id
                       and e.request_id like \(report.runID + "-%")
                    """) == Int64(succeeded(report, "REVERSE")))
        }
    }

    @Test("a run in which nothing connects counts the failures and succeeds nowhere")
    func nothingListening() async throws {
        let seed = try await withTestDatabase { db in
            try await db.store.seedBench(BenchSeedRequest(members: 5, terminals: 2, giftCards: 0), actor: "test")
        }
        // A port that was just free: the test database's server is gone, and nobody listens on port 9.
        let configuration = BenchConfiguration(port: 9, terminals: 2, members: 5, duration: .milliseconds(200), warmup: .zero)
        let report = try await LoadGenerator.run(configuration, seed: seed)
        #expect(!report.anySucceeded && report.connected == 0 && report.connectionFailures.connect == 2)
        #expect(report.measured.requests == 0 && report.throughput == 0)
    }

    @Test("terminals with a wrong secret fail AUTH and are counted, not fatal")
    func wrongSecret() async throws {
        try await withTestServer { server in
            let seed = try await server.store.seedBench(BenchSeedRequest(members: 5, terminals: 2, giftCards: 0), actor: "test")
            let forged = BenchSeed(
                memberNumbers: seed.memberNumbers, terminals: seed.terminals.map { .init(name: $0.name, secret: "wrong") },
                giftCards: [], membersAdded: 0, terminalsChanged: 0, giftCardsAdded: 0)
            let configuration = BenchConfiguration(port: server.port, terminals: 2, members: 5, duration: .milliseconds(200), warmup: .zero)
            let report = try await LoadGenerator.run(configuration, seed: forged)
            #expect(report.connectionFailures.auth == 2 && !report.anySucceeded)
        }
    }

    @Test("idle: 200 authenticated connections are held and answer the last PING; 50 unauthenticated ones too")
    func idleConnections() async throws {
        try await withTestServer { server in
            let seed = try await server.store.seedBench(BenchSeedRequest(members: 0, terminals: 3, giftCards: 0), actor: "test")
            let held = try await LoadGenerator.hold(
                BenchConfiguration(port: server.port, terminals: 3, duration: .seconds(1), idleConnections: 200), seed: seed)
            #expect(held.requested == 200 && held.opened == 200 && held.held == 200)
            #expect(held.refused == 0 && held.firstRequestFailed == 0 && held.pingFailures == 0 && held.errors.isEmpty)
            #expect(held.connectLatency.p50 > 0 && held.connectLatency.max >= held.connectLatency.p99)
            let pinged = try await LoadGenerator.hold(
                BenchConfiguration(port: server.port, duration: .milliseconds(300), idleConnections: 50, idleWithoutAuth: true),
                seed: nil)
            #expect(pinged.held == 50 && pinged.errors.isEmpty && !pinged.authenticated)
        }
    }
}
