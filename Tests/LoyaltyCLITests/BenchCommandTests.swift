#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import LoyaltyTesting
import Testing

/// `loyalty bench` as a script runs it: the real binary against a live test server and its database.
@Suite("loyalty bench (PostgreSQL, live server, subprocess)", .timeLimit(.minutes(6)))
struct BenchCommandTests {
    /// A key file with the test server's installation key, so that the bench's derived secrets and codes match.
    func keyFile() throws -> String {
        let path = try makeTemporaryDirectory(prefix: "bench") + "/secret.key"
        guard FileManager.default.createFile(atPath: path, contents: Data((1...32).map { UInt8($0) }), attributes: [.posixPermissions: 0o600])
        else { throw CLITestError.exited("cannot write \(path)") }
        return path
    }

    /// Runs `loyalty` with the test database and key, like ``loyalty(_:keyFile:_:)``, but waits without
    /// blocking a thread: the server under test runs in this process on the same cooperative pool, which
    /// the blocking pipe reads of ``LoyaltyProcess/run(_:environment:timeout:)`` would starve on two cores.
    func bench(_ db: TestDatabase, keyFile: String, _ arguments: [String]) async throws -> LoyaltyProcess.Outcome {
        let directory = try makeTemporaryDirectory(prefix: "bench-out")
        let out = URL(fileURLWithPath: directory + "/stdout")
        let err = URL(fileURLWithPath: directory + "/stderr")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        let process = Process()
        process.executableURL = LoyaltyProcess.executable
        process.arguments = arguments
        process.environment = LoyaltyProcess.environment([
            "LOYALTY_DATABASE_URL": db.url.redacted, "LOYALTY_ACTOR": "alice", "LOYALTY_SECURITY_KEY_FILE": keyFile,
        ])
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let deadline = ContinuousClock.now + .seconds(120)
        while process.isRunning {
            guard ContinuousClock.now < deadline else {
                LoyaltyProcess.killIfRunning(process)
                throw CLITestError.timeout("loyalty \(arguments.joined(separator: " ")) ran for more than 120 s")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        return LoyaltyProcess.Outcome(
            status: process.terminationStatus, stdout: try String(contentsOf: out, encoding: .utf8),
            stderr: try String(contentsOf: err, encoding: .utf8))
    }

    func snapshot(_ db: TestDatabase) async throws -> [Int64] {
        [
            try await db.scalar("select count(*)::int8 from members"),
            try await db.scalar("select count(*)::int8 from terminals"),
            try await db.scalar("select count(*)::int8 from gift_cards"),
            try await db.scalar("select count(*)::int8 from audit_log"),
            try await db.scalar("select count(*)::int8 from point_entries"),
        ]
    }

    @Test("bench --format json: the fields scripts read, and the EARNs it counts are in the ledger")
    func json() async throws {
        let key = try keyFile()
        try await withTestServer { server in
            let outcome = try await bench(server.database, keyFile: key, [
                "bench", "--port", String(server.port), "--duration", "1", "--warmup", "0", "--members", "100", "--terminals", "2",
                "--format", "json",
            ])
            #expect(outcome.status == 0, "\(outcome.stderr)")
            let report = try outcome.jsonObject()
            #expect(report["mix"] as? String == "earn" && report["terminals"] as? Int == 2 && report["depth"] as? Int == 1)
            #expect(report["members"] as? Int == 100 && report["connected"] as? Int == 2 && report["duration_ms"] as? Int == 1000)
            let requests = try #require(report["requests"] as? Int)
            #expect(requests > 0 && report["succeeded"] as? Int == requests)
            #expect((report["errors"] as? [String: Int])?.isEmpty == true)
            #expect((report["throughput"] as? NSNumber).map { $0.doubleValue > 0 } == true)
            let latency = try #require(report["latency_ms"] as? [String: NSNumber])
            #expect(Set(latency.keys) == ["p50", "p99", "p99_9", "max"] && latency["p50"].map { $0.doubleValue > 0 } == true)
            let micro = try #require(report["latency_us"] as? [String: Int])
            #expect(micro["p50"].map { $0 > 0 } == true && (micro["p50"] ?? 0) <= (micro["max"] ?? 0))
            #expect(report["server_memory"] is NSNull)
            let failures = try #require(report["connection_failures"] as? [String: Int])
            #expect(failures["connect"] == 0 && failures["auth"] == 0 && failures["lost"] == 0)
            let run = try #require(report["run_id"] as? String)
            #expect(
                try await server.database.scalar(
                    "select count(*)::int8 from point_entries where kind = 'earn' and request_id like \(run + "-%")") == Int64(requests))

            // A second run reuses the members and terminals, and its req ids are new.
            let again = try await bench(server.database, keyFile: key, [
                "bench", "--port", String(server.port), "--duration", "1", "--warmup", "0", "--members", "100", "--terminals", "2",
            ])
            #expect(again.status == 0, "\(again.stderr)")
            #expect(again.stdout.contains("throughput") && again.stdout.contains("latency p99.9") && again.stdout.contains("not measured"))
            #expect(try await server.database.scalar("select count(*)::int8 from members where external_id like 'bench-%'") == 100)
            #expect(try await server.database.scalar("select count(*)::int8 from audit_log where action = 'bench.seed'") == 1)
        }
    }

    @Test("bench --idle 20 --server-pid: all held, and the server's memory is read")
    func idle() async throws {
        let key = try keyFile()
        try await withTestServer { server in
            let outcome = try await bench(server.database, keyFile: key, [
                "bench", "--port", String(server.port), "--idle", "20", "--duration", "1", "--terminals", "2",
                "--server-pid", String(getpid()), "--format", "json",
            ])
            #expect(outcome.status == 0, "\(outcome.stderr)")
            let report = try outcome.jsonObject()
            #expect(report["held"] as? Int == 20 && report["opened"] as? Int == 20 && report["refused"] as? Int == 0)
            let memory = try #require(report["server_memory"] as? [String: Int])
            #expect(memory["rss_kib"].map { $0 > 0 } == true && memory["pid"] == Int(getpid()))
        }
    }

    @Test(
        "bad options are one-line BAD_ARGUMENT errors and change nothing",
        arguments: [
            (["--mix", "lunch"], "--mix"), (["--terminals", "0"], "--terminals"), (["--terminals", "x"], "--terminals"),
            (["--depth", "0"], "--depth"), (["--members", "-5"], "--members"), (["--duration", "0"], "--duration"),
            (["--warmup", "1.5"], "--warmup"), (["--port", "70000"], "--port"), (["--idle", "0"], "--idle"),
            (["--idle-no-auth"], "--idle-no-auth"), (["--server-pid", "999999999"], "--server-pid"),
            (["--format", "csv"], "--format"), (["--host", ""], "--host"),
        ])
    func refusals(arguments: [String], option: String) async throws {
        let key = try keyFile()
        try await withTestDatabase { db in
            let before = try await snapshot(db)
            let outcome = try await bench(db, keyFile: key, ["bench", "--duration", "1"] + arguments)
            #expect(outcome.status != 0)
            #expect(outcome.stderr.contains("BAD_ARGUMENT") && outcome.stderr.contains(option), "\(outcome.stderr)")
            #expect(try await snapshot(db) == before)
        }
    }

    @Test("a run in which nothing succeeds exits non-zero with a clear message, after the report")
    func nothingSucceeds() async throws {
        let key = try keyFile()
        try await withTestDatabase { db in
            let outcome = try await bench(db, keyFile: key, [
                "bench", "--port", "9", "--duration", "1", "--warmup", "0", "--members", "10", "--terminals", "2", "--format", "json",
            ])
            #expect(outcome.status != 0)
            #expect(outcome.stderr.contains("UNAVAILABLE") && outcome.stderr.contains("no request succeeded"), "\(outcome.stderr)")
            let failures = try #require(try outcome.jsonObject()["connection_failures"] as? [String: Int])
            #expect(failures["connect"] == 2)
        }
    }
}
