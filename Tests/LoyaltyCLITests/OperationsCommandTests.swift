#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import LoyaltyTesting
import PostgresNIO
import Testing

/// The operator's view, with the real binary: `serve` with metrics, `loyalty health`, SIGTERM during a request,
/// and the jobs' lock.
@Suite("Operations: health, metrics, SIGTERM, job lock (PostgreSQL, subprocess)", .timeLimit(.minutes(6)))
struct OperationsCommandTests {
    func environment(_ db: TestDatabase) -> [String: String] {
        ["LOYALTY_DATABASE_URL": db.url.redacted, "LOYALTY_ACTOR": "ops", "LOYALTY_HOME": NSTemporaryDirectory() + "ops-unused"]
    }

    func loyalty(_ db: TestDatabase, _ arguments: [String]) async throws -> LoyaltyProcess.Outcome {
        try await LoyaltyProcess.run(arguments, environment: environment(db))
    }

    /// Starts `loyalty ARGS` with its output in files, for a second process to run beside it. (``LoyaltyProcess/run``
    /// blocks two of the few cooperative threads while it reads the pipes, so two of them at once can starve the test.)
    func background(_ db: TestDatabase, _ arguments: [String]) throws -> BackgroundRun {
        let directory = try makeTemporaryDirectory(prefix: "ops-bg-")
        let process = Process()
        process.executableURL = LoyaltyProcess.executable
        process.arguments = arguments
        process.environment = LoyaltyProcess.environment(environment(db))
        let out = URL(fileURLWithPath: directory + "/out")
        let err = URL(fileURLWithPath: directory + "/err")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return BackgroundRun(process: process, directory: directory)
    }

    struct BackgroundRun {
        let process: Process
        let directory: String

        /// Waits up to `timeout` for the exit (killing the process past it); status, stdout, stderr.
        func finish(timeout: Duration = .seconds(60)) async throws -> LoyaltyProcess.Outcome {
            let deadline = ContinuousClock.now + timeout
            while process.isRunning, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
            LoyaltyProcess.killIfRunning(process)
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let stdout = (try? String(contentsOfFile: directory + "/out", encoding: .utf8)) ?? ""
            let stderr = (try? String(contentsOfFile: directory + "/err", encoding: .utf8)) ?? ""
            return LoyaltyProcess.Outcome(status: process.terminationStatus, stdout: stdout, stderr: stderr)
        }
    }

    /// The port in a `… address=[IPv4]127.0.0.1/127.0.0.1:PORT …` log line.
    static func port(in line: String) throws -> Int {
        guard let address = line.split(separator: " ").first(where: { $0.hasPrefix("address=") }),
            let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...])
        else { throw CLITestError.exited("no port in: \(line)") }
        return port
    }

    @Test("serve with metrics: health is OK, /metrics counts it, SIGTERM lets the request in flight finish and exits 0")
    func serveHealthMetricsShutdown() async throws {
        try await withTestDatabase { db in
            let directory = try makeTemporaryDirectory(prefix: "ops-")
            defer { try? FileManager.default.removeItem(atPath: directory) }
            var env = environment(db)
            env["LOYALTY_LISTEN"] = "127.0.0.1:0"
            env["LOYALTY_METRICS_PORT"] = "0"
            env["LOYALTY_SERVER_SHUTDOWN_GRACE_SECONDS"] = "20"
            let log = URL(fileURLWithPath: directory + "/serve.log")
            let serve = try LoyaltyProcess.start(["serve"], environment: env, log: log)
            defer { LoyaltyProcess.killIfRunning(serve) }
            let port = try Self.port(in: try await LoyaltyProcess.waitForLine(containing: "listening for terminals", in: log, of: serve))
            let metricsPort = try Self.port(in: try await LoyaltyProcess.waitForLine(containing: "serving metrics", in: log, of: serve))

            let healthy = try await loyalty(db, ["health", "--address", "127.0.0.1:\(port)", "--timeout", "5"])
            #expect(healthy.status == 0, "\(healthy.stdout)\(healthy.stderr)")
            #expect(healthy.stdout.hasPrefix("OK: 127.0.0.1:\(port) answered in "), "\(healthy.stdout)")
            #expect(healthy.stdout.hasSuffix("database ok\n"), "\(healthy.stdout)")
            let json = try await loyalty(db, ["health", "--address", "127.0.0.1:\(port)", "--no-database", "--format", "json"])
            #expect(json.status == 0)
            #expect(try json.jsonObject()["healthy"] as? Bool == true)

            let metrics = try await Self.httpGet(port: metricsPort, path: "/metrics")
            #expect(metrics.contains("loyalty_requests_total{verb=\"HEALTH\",result=\"ok\"} 1")
                || metrics.contains("loyalty_requests_total{result=\"ok\",verb=\"HEALTH\"} 1"), "\(metrics)")
            #expect(metrics.contains("loyalty_requests_total{verb=\"PING\",result=\"ok\"} 1")
                || metrics.contains("loyalty_requests_total{result=\"ok\",verb=\"PING\"} 1"), "\(metrics)")
            #expect(metrics.contains("loyalty_database_pool_size 8"), "\(metrics)")

            // A request in flight: EARN waits on a row lock the test holds.
            let added = try await loyalty(db, ["terminal", "add", "till-1", "--format", "json"])
            let secret = try #require(try added.jsonObject()["secret"] as? String)
            let member = try await loyalty(db, ["member", "add", "--first-name", "Ada", "--last-name", "Lovelace", "--format", "json"])
            let number = try #require(try member.jsonObject()["number"] as? String)
            let till = try await LineClient.connect(port: port)
            #expect(try await till.request("AUTH terminal=till-1 secret=\(secret)").hasPrefix("OK "))
            let holder = try await PostgresConnection.connect(configuration: db.url.connectionConfiguration(), id: 7001, logger: db.logger)
            try await holder.query("begin", logger: db.logger)
            try await holder.query(
                "select 1 from point_accounts a join members m on m.id = a.member_id where m.number = \(number) for update of a",
                logger: db.logger)
            try await till.send("EARN req=term-1 member=\(number) points=5")
            try await Task.sleep(for: .milliseconds(500))
            kill(serve.processIdentifier, SIGTERM)
            _ = try await LoyaltyProcess.waitForLine(containing: "shutting down", in: log, of: serve, timeout: .seconds(10))
            try await Task.sleep(for: .milliseconds(300))
            try await holder.query("rollback", logger: db.logger)
            try await holder.close()
            let reply = try await till.readLine()
            #expect(reply?.hasPrefix("OK member=\(number) earned=5") == true, "\(reply ?? "no reply")")
            await till.close()
            let clock = ContinuousClock()
            let started = clock.now
            while serve.isRunning, clock.now - started < .seconds(15) { try await Task.sleep(for: .milliseconds(50)) }
            #expect(!serve.isRunning, "serve still running 15 s after the request finished")
            #expect(serve.terminationReason == .exit && serve.terminationStatus == 0, "\((try? String(contentsOf: log, encoding: .utf8)) ?? "")")
            #expect(try await db.scalar("select count(*)::int8 from point_entries where request_id = 'term-1'") == 1)

            // Down: health says so, exit 1, one line.
            let down = try await loyalty(db, ["health", "--address", "127.0.0.1:\(port)", "--timeout", "2"])
            #expect(down.status == 1, "\(down.stdout)\(down.stderr)")
            #expect(down.stdout.hasPrefix("UNHEALTHY: 127.0.0.1:\(port): UNAVAILABLE: "), "\(down.stdout)")
            #expect(down.stdout.split(separator: "\n").count == 1)
        }
    }

    @Test("health refuses bad arguments with status 64", arguments: [
        ["health", "--timeout", "0"], ["health", "--timeout", "1.5"], ["health", "--address", "nohost"],
        ["health", "--address", "127.0.0.1:0"],
    ])
    func healthBadArguments(arguments: [String]) async throws {
        let outcome = try await LoyaltyProcess.run(arguments, environment: [:])
        #expect(outcome.status == 64, "\(outcome.stderr)")
        #expect(outcome.stderr.hasPrefix("Error: BAD_ARGUMENT: "), "\(outcome.stderr)")
    }

    @Test("a job whose lock another runner holds exits 75 at once and changes nothing; --wait runs it once the lock is free")
    func jobLock() async throws {
        try await withTestDatabase { db in
            let holder = try await PostgresConnection.connect(configuration: db.url.connectionConfiguration(), id: 7002, logger: db.logger)
            // The lock `jobs run tiers` takes (docs/operations.md): ('LJOB', hashtext('tiers')).
            try await holder.query("select pg_advisory_lock(\(Int32(0x4C4A_4F42)), hashtext('tiers'))", logger: db.logger)
            let audits = try await db.scalar("select count(*)::int8 from audit_log")
            let clock = ContinuousClock()
            let started = clock.now
            let busy = try await loyalty(db, ["jobs", "run", "tiers"])
            #expect(clock.now - started < .seconds(20))
            #expect(busy.status == 75, "\(busy.stderr)")
            #expect(busy.stderr == "Error: JOB_RUNNING: job tiers is already running (another runner holds its lock); nothing was done\n")
            #expect(busy.stdout.isEmpty)
            #expect(try await db.scalar("select count(*)::int8 from audit_log") == audits)
            // Another job is not blocked by it.
            let expiry = try await loyalty(db, ["jobs", "run", "expiry"])
            #expect(expiry.status == 0, "\(expiry.stderr)")

            let waiting = try background(db, ["jobs", "run", "tiers", "--wait", "--format", "json"])
            try await Task.sleep(for: .seconds(2))
            #expect(try await db.scalar("select count(*)::int8 from audit_log where action = 'job.tiers'") == 0)
            try await holder.query("select pg_advisory_unlock(\(Int32(0x4C4A_4F42)), hashtext('tiers'))", logger: db.logger)
            let waited = try await waiting.finish()
            #expect(waited.status == 0, "\(waited.stderr)")
            #expect(try waited.jsonObject()["job"] as? String == "tiers")
            #expect(try await db.scalar("select count(*)::int8 from audit_log where action = 'job.tiers'") == 1)

            // `all` while the gift-card job is held elsewhere: the others run, that one is skipped, status 75.
            try await holder.query("select pg_advisory_lock(\(Int32(0x4C4A_4F42)), hashtext('giftcards'))", logger: db.logger)
            let all = try await loyalty(db, ["jobs", "run", "all"])
            #expect(all.status == 75, "\(all.stderr)")
            #expect(all.stderr.contains("JOB_RUNNING: job giftcards"), "\(all.stderr)")
            #expect(all.stdout.contains("policy"), "expiry missing from:\n\(all.stdout)")
            for job in ["tiers", "purchases", "birthdays", "retention", "events"] {
                #expect(all.stdout.contains(job), "\(job) missing from:\n\(all.stdout)")
            }
            #expect(try await db.scalar("select count(*)::int8 from audit_log where action = 'job.giftcards'") == 0)
            try await holder.close()
            let free = try await loyalty(db, ["jobs", "run", "all", "--format", "json"])
            #expect(free.status == 0, "\(free.stderr)")
            #expect(try await db.scalar("select count(*)::int8 from audit_log where action = 'job.giftcards'") == 1)
            #expect(try await db.scalar("select count(*)::int8 from audit_log where action = 'job.tiers'") == 3)
        }
    }

    @Test("two runners of the same job at once: one runs, the other exits 75")
    func concurrentRunners() async throws {
        try await withTestDatabase { db in
            // The first runner is made slow: its audit row waits for a table lock the test holds.
            let holder = try await PostgresConnection.connect(configuration: db.url.connectionConfiguration(), id: 7003, logger: db.logger)
            try await holder.query("begin", logger: db.logger)
            try await holder.query("lock table audit_log in exclusive mode", logger: db.logger)
            let first = try background(db, ["jobs", "run", "tiers"])
            // Wait until the first runner waits on the table lock (it holds the job lock by then).
            let deadline = ContinuousClock.now + .seconds(60)
            while try await db.scalar(
                "select count(*)::int8 from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'") == 0
            {
                guard ContinuousClock.now < deadline else { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            let second = try await background(db, ["jobs", "run", "tiers"]).finish()
            try await holder.query("rollback", logger: db.logger)
            try await holder.close()
            let firstOutcome = try await first.finish()
            #expect(second.status == 75, "\(second.stderr)")
            #expect(firstOutcome.status == 0, "\(firstOutcome.stderr)")
            #expect(try await db.scalar("select count(*)::int8 from audit_log where action = 'job.tiers'") == 1)
        }
    }

    /// A plain HTTP/1.1 GET; the body.
    static func httpGet(port: Int, path: String) async throws -> String {
        let client = try await LineClient.connect(port: port)
        try await client.sendRaw(Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".utf8))
        var lines: [String] = []
        while let line = try await client.readLine() { lines.append(line) }
        await client.close()
        guard lines.first?.hasPrefix("HTTP/1.1 200") == true else { throw CLITestError.exited("HTTP: \(lines.first ?? "nothing")") }
        let blank = lines.firstIndex { $0 == "\r" } ?? lines.count
        return lines.dropFirst(blank + 1).joined(separator: "\n")
    }
}
