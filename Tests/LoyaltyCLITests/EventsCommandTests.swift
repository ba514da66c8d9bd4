import Foundation
import LoyaltyCore
import LoyaltyTesting
import Testing

/// `loyalty events tail` through the real binary.
@Suite("Events tail CLI (PostgreSQL, subprocess)", .timeLimit(.minutes(6)))
struct EventsCommandTests {
    func loyalty(_ db: TestDatabase, _ arguments: String...) async throws -> LoyaltyProcess.Outcome {
        try await LoyaltyProcess.run(arguments, environment: ["LOYALTY_DATABASE_URL": db.url.redacted, "LOYALTY_ACTOR": "alice"])
    }

    /// The JSON objects of the lines of `text`.
    func events(_ text: String) throws -> [[String: Any]] {
        try text.split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "\(line)")
        }
    }

    @Test("bad options are one-line BAD_ARGUMENT errors")
    func badOptions() async throws {
        try await withTestDatabase { db in
            for arguments in [
                ["--type", "bogus"], ["--type", "points.earned,"], ["--type", "pts."], ["--since=-1"],
                ["--since", "3", "--from-start"], ["--interval", "0"], ["--interval", "61"], ["--limit", "0"],
                ["--no-follow"],
            ] {
                let outcome = try await LoyaltyProcess.run(
                    ["events", "tail"] + arguments, environment: ["LOYALTY_DATABASE_URL": db.url.redacted])
                #expect(outcome.status != 0, "\(arguments)")
                #expect(outcome.stderr.contains("BAD_ARGUMENT"), "\(arguments): \(outcome.stderr)")
                #expect(outcome.stdout.isEmpty, "\(arguments)")
            }
            let missing = try await loyalty(db, "events", "tail", "--since", "424242", "--no-follow")
            #expect(missing.stderr.contains("NOT_FOUND"), "\(missing.stderr)")
        }
    }

    @Test("--from-start --no-follow prints every event once as a JSON line; --since resumes; --type and --member filter")
    func readsAndFilters() async throws {
        try await withTestDatabase { db in
            let ada = try await db.newMember("Ada", "Lovelace")
            let bob = try await db.newMember("Bob", "Babbage")
            _ = try await db.store.adjust(ada, points: 10, reason: "welcome", actor: "test")
            _ = try await db.store.adjust(bob, points: 20, reason: "welcome", actor: "test")
            // The other tests share the cluster; an event shows once every older transaction has finished.
            try await db.settleEvents()
            let all = try events(try await loyalty(db, "events", "tail", "--from-start", "--no-follow").stdout)
            #expect(all.map { $0["type"] as? String } == ["member.enrolled", "member.enrolled", "points.adjusted", "points.adjusted"])
            #expect(all.map { $0["member"] as? String } == [ada.value, bob.value, ada.value, bob.value])
            #expect((all[3]["data"] as? [String: Any])?["points"] as? Int == 20)

            let first = try #require(all.first?["id"] as? Int)
            let rest = try events(try await loyalty(db, "events", "tail", "--since", "\(first)", "--no-follow").stdout)
            #expect(rest.map { $0["id"] as? Int } == all.dropFirst().map { $0["id"] as? Int })
            let bobs = try events(try await loyalty(db, "events", "tail", "--from-start", "--no-follow", "--member", bob.value).stdout)
            #expect(bobs.count == 2)
            let points = try events(
                try await loyalty(db, "events", "tail", "--from-start", "--no-follow", "--type", "points.", "--type", "member.merged").stdout)
            #expect(points.map { $0["type"] as? String } == ["points.adjusted", "points.adjusted"])
            let two = try events(try await loyalty(db, "events", "tail", "--from-start", "--limit", "2").stdout)
            #expect(two.count == 2, "--limit ends the command even while following")
        }
    }

    @Test("following: new events appear as they commit, each once, and SIGTERM ends it")
    func follows() async throws {
        try await withTestDatabase { db in
            let ada = try await db.newMember("Ada", "Lovelace")
            let log = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("events-tail-\(UUID().uuidString).log")
            defer { try? FileManager.default.removeItem(at: log) }
            let tail = try LoyaltyProcess.start(
                ["events", "tail", "--interval", "0.1", "--type", "points."],
                environment: ["LOYALTY_DATABASE_URL": db.url.redacted], log: log)
            defer { LoyaltyProcess.killIfRunning(tail) }
            // The tail starts at "now", which it reads once it is connected: write until it has seen some.
            var written = 0
            let deadline = ContinuousClock.now + .seconds(60)
            while ContinuousClock.now < deadline {
                written += 1
                _ = try await db.store.adjust(ada, points: 1, reason: "r\(written)", actor: "test")
                let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
                if text.contains("\"reason\": \"r\(max(1, written - 3))\"") { break }
                #expect(tail.isRunning, "\(text)")
                try await Task.sleep(for: .milliseconds(200))
            }
            _ = try await LoyaltyProcess.waitForLine(containing: "\"reason\": \"r\(written)\"", in: log, of: tail)
            let (reason, _) = try await LoyaltyProcess.terminate(tail)
            #expect(reason == .uncaughtSignal)
            let seen = try events(try String(contentsOf: log, encoding: .utf8))
            let reasons = seen.compactMap { ($0["data"] as? [String: Any])?["reason"] as? String }
            #expect(seen.allSatisfy { $0["type"] as? String == "points.adjusted" })
            // From the first one it saw, every later adjustment, in order, once.
            let firstSeen = try #require(reasons.first.flatMap { Int($0.dropFirst()) })
            #expect(reasons == (firstSeen...written).map { "r\($0)" }, "\(reasons)")
        }
    }
}
