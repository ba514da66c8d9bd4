import Foundation
import LoyaltyStore
import LoyaltyTesting
import Testing

/// Faults survived (issue 8): the real `loyalty serve` binary on the tests' PostgreSQL over real TCP, killed
/// with SIGKILL under load, its database restarted under load, and tills that hang up mid-request. Every
/// request answered `OK` is in the ledger exactly once, every retry gets the original reply, and
/// `loyalty db check` finds nothing wrong. Run alone with `swift test --filter FaultTests`; each test keeps
/// to its own deadlines (tens of seconds).
@Suite("Faults: SIGKILL, PostgreSQL restart, hang-ups (PostgreSQL, subprocess)", .serialized, .timeLimit(.minutes(3)))
struct FaultTests {
    /// Sends requests from every till until `issueFor` has passed, each retried until it is answered;
    /// `midway` runs once, `faultAfter` into the load. Returns every answered request per till.
    static func load(
        _ fixture: FaultFixture, server: FaultServer, issueFor: Duration, readTimeout: Duration,
        faultAfter: Duration, midway: @escaping @Sendable () async throws -> Void
    ) async throws -> [[FaultTill.Outcome]] {
        let stopIssuing = ContinuousClock.now + issueFor
        let deadline = stopIssuing + .seconds(30)
        return try await withThrowingTaskGroup(of: (Int, [FaultTill.Outcome]).self) { group in
            for (index, till) in fixture.tills.enumerated() {
                group.addTask {
                    let client = FaultTill(terminal: till.terminal, secret: till.secret, server: server, readTimeout: readTimeout)
                    var outcomes: [FaultTill.Outcome] = []
                    var n = 0
                    while ContinuousClock.now < stopIssuing {
                        outcomes.append(try await client.send(FaultFixture.line(till, n), until: deadline))
                        n += 1
                    }
                    await client.close()
                    return (index, outcomes)
                }
            }
            try await Task.sleep(for: faultAfter)
            try await midway()
            var all = [[FaultTill.Outcome]](repeating: [], count: fixture.tills.count)
            for try await (index, outcomes) in group { all[index] = outcomes }
            return all
        }
    }

    /// Every answered request was `OK` and wrote exactly one ledger entry or activity, nothing else was
    /// written by a till, and a retry of each from a new connection gets the identical reply.
    static func verify(
        _ fixture: FaultFixture, _ outcomes: [[FaultTill.Outcome]], server: FaultServer, writes: [String: Int64]
    ) async throws {
        var answered = Set<String>()
        for (till, list) in zip(fixture.tills, outcomes) {
            for outcome in list {
                #expect(outcome.reply.hasPrefix("OK "), "\(till.terminal) \(outcome.line) → \(outcome.reply)")
                let key = till.terminal + " " + FaultFixture.request(of: outcome.line)
                answered.insert(key)
                #expect(writes[key] == 1, "\(key) answered \(outcome.reply) but wrote \(writes[key] ?? 0) rows")
            }
        }
        let extra = writes.filter { !answered.contains($0.key) || $0.value != 1 }
        #expect(extra.isEmpty, "written but never answered, or more than once: \(extra)")

        // The retries: a new connection per till, every answered line once more.
        let deadline = ContinuousClock.now + .seconds(30)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (till, list) in zip(fixture.tills, outcomes) {
                group.addTask {
                    let client = FaultTill(terminal: till.terminal, secret: till.secret, server: server, readTimeout: .seconds(10))
                    for outcome in list {
                        let retry = try await client.send(outcome.line, until: deadline)
                        #expect(retry.reply == outcome.reply, "\(till.terminal) retry of \(outcome.line)")
                    }
                    await client.close()
                }
            }
            try await group.waitForAll()
        }
    }

    /// `loyalty db check` through the binary: exit 0, every check holds.
    static func expectConsistent(_ environment: [String: String]) async throws {
        let check = try await LoyaltyProcess.run(["db", "check", "--format", "json"], environment: environment, timeout: .seconds(60))
        #expect(check.status == 0, "\(check.stdout)\n\(check.stderr)")
        #expect(try check.jsonObject()["consistent"] as? Bool == true)
    }

    @Test("SIGKILL under load from 32 tills: every OK is in the ledger once, every retry gets its original reply, db check passes")
    func killServerUnderLoad() async throws {
        try await withTestDatabase { db in
            let directory = try makeTemporaryDirectory(prefix: "kill-")
            let fixture = try await FaultFixture.make(db.store, tills: 32, directory: directory)
            let environment = fixture.environment(db.url)
            try await FaultServer.running(environment: environment, directory: directory) { server in
                let outcomes = try await Self.load(
                    fixture, server: server, issueFor: .seconds(6), readTimeout: .seconds(8), faultAfter: .seconds(2)
                ) {
                    server.kill9()
                    try await server.start()
                }
                let total = outcomes.map(\.count).reduce(0, +)
                let lost = outcomes.joined().map(\.lost).reduce(0, +)
                #expect(total > 64, "too little load to mean anything: \(total) requests")
                #expect(lost > 0, "the kill cut no request in flight: the test did not test a crash")
                let writes = try await FaultFixture.writes(db.client, logger: db.logger)
                try await Self.verify(fixture, outcomes, server: server, writes: writes)
                try await Self.expectConsistent(environment)
            }
        }
    }

    @Test("a till that hangs up right after sending: the change is applied at most once, and a retry from a new connection gets the original reply")
    func hangUpMidRequest() async throws {
        try await withTestDatabase { db in
            let directory = try makeTemporaryDirectory(prefix: "hangup-")
            let fixture = try await FaultFixture.make(db.store, tills: 1, directory: directory)
            let environment = fixture.environment(db.url)
            try await FaultServer.running(environment: environment, directory: directory) { server in
                let till = fixture.tills[0]
                let lines = (0..<30).map { FaultFixture.line(till, $0, prefix: "h") }
                for line in lines {
                    let client = try await LineClient.connect(port: server.port)
                    #expect(try await client.request("AUTH terminal=\(till.terminal) secret=\(till.secret)").hasPrefix("OK "))
                    try await client.send(line)
                    await client.close()
                }
                let deadline = ContinuousClock.now + .seconds(30)
                let retrier = FaultTill(terminal: till.terminal, secret: till.secret, server: server, readTimeout: .seconds(10))
                var outcomes: [FaultTill.Outcome] = []
                for line in lines {
                    let first = try await retrier.send(line, until: deadline)
                    let second = try await retrier.send(line, until: deadline)
                    #expect(second.reply == first.reply, "\(line)")
                    outcomes.append(first)
                }
                await retrier.close()
                let writes = try await FaultFixture.writes(db.client, logger: db.logger)
                try await Self.verify(fixture, [outcomes], server: server, writes: writes)
                try await Self.expectConsistent(environment)
            }
        }
    }

    @Test("PostgreSQL stopped (pg_ctl stop -m fast) and started under load: ERR UNAVAILABLE within the time-out, the server reconnects, retries succeed")
    func restartPostgresUnderLoad() async throws {
        // A cluster of its own: stopping the shared one would fail every other test.
        let directory = try makeTemporaryDirectory(prefix: "pgrestart-")
        let cluster = EmbeddedPostgres(
            home: directory + "/home", logger: TestPostgres.shared.logger,
            binDirectory: ProcessInfo.processInfo.environment["LOYALTY_PG_BIN"].flatMap { $0.isEmpty ? nil : $0 })
        try await cluster.start()
        do {
            let url = cluster.databaseURL
            let migrated = try await LoyaltyProcess.run(
                ["db", "migrate"], environment: ["LOYALTY_DATABASE_URL": url.redacted, "LOYALTY_ACTOR": "faults"], timeout: .seconds(120))
            try #require(migrated.status == 0, "\(migrated.stderr)")
            let fixture = try await withPostgresClient(url, logger: TestPostgres.shared.logger) { client in
                let store = LoyaltyStore(client: client, logger: TestPostgres.shared.logger, installationKey: testInstallationKey)
                return try await FaultFixture.make(store, tills: 8, directory: directory)
            }
            let environment = fixture.environment(url)
            try await FaultServer.running(environment: environment, directory: directory) { server in
                // The request time-out is 3 s: an answer later than 3 s + 3 s of slack is a hang.
                let outcomes = try await Self.load(
                    fixture, server: server, issueFor: .seconds(8), readTimeout: .seconds(6), faultAfter: .seconds(1)
                ) {
                    try await cluster.stop()
                    try await Task.sleep(for: .seconds(2))
                    try await cluster.start()
                }
                let all = Array(outcomes.joined())
                #expect(all.map(\.unavailable).reduce(0, +) > 0, "no request saw ERR UNAVAILABLE while PostgreSQL was down")
                #expect(all.map(\.slow).reduce(0, +) == 0, "requests hung past the request time-out")
                #expect(all.map(\.lost).reduce(0, +) == 0, "the server dropped connections instead of answering ERR UNAVAILABLE")
                // After the restart every till got answers again without the server being restarted.
                for list in outcomes { #expect(list.last?.reply.hasPrefix("OK ") == true) }
                try await withPostgresClient(url, logger: TestPostgres.shared.logger) { client in
                    let writes = try await FaultFixture.writes(client, logger: TestPostgres.shared.logger)
                    try await Self.verify(fixture, outcomes, server: server, writes: writes)
                }
                try await Self.expectConsistent(environment)
            }
        } catch {
            try? await cluster.stop()
            throw error
        }
        try await cluster.stop()
    }
}
