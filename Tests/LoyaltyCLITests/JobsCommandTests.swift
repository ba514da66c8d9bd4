import Foundation
import LoyaltyTesting
import Testing

/// `loyalty jobs run tiers` against a test database given by URL, run as a separate process.
@Suite("Job commands (PostgreSQL, subprocess)", .timeLimit(.minutes(6)))
struct JobsCommandTests {
    func loyalty(_ db: TestDatabase, _ arguments: [String], environment: [String: String] = [:]) async throws -> LoyaltyProcess.Outcome {
        try await LoyaltyProcess.run(
            arguments,
            environment: ["LOYALTY_DATABASE_URL": db.url.redacted, "LOYALTY_ACTOR": "alice"].merging(environment) { _, new in new })
    }

    /// Seeds the example tiers, adds a member, puts them in gold by hand and makes their evaluation due
    /// yesterday; returns their number.
    func dueGoldMember(_ db: TestDatabase) async throws -> String {
        let seeded = try await loyalty(db, ["tier", "seed", TierCommandTests.exampleTiers])
        #expect(seeded.status == 0, "\(seeded.stderr)")
        let added = try await loyalty(db, ["member", "add", "--first-name", "Ada", "--last-name", "Lovelace", "--format", "json"])
        let number = try #require(try added.jsonObject()["number"] as? String)
        let set = try await loyalty(db, ["tier", "set", number, "gold", "--reason", "press"])
        #expect(set.status == 0, "\(set.stderr)")
        try await db.client.query(
            """
            update member_tiers set evaluation_on = (now() at time zone 'UTC')::date - 1
             where member_id = (select id from members where number = \(number))
            """, logger: db.logger)
        return number
    }

    /// The tiers, members' tiers, their history and the audit log, to see that nothing was written.
    func snapshot(_ db: TestDatabase) async throws -> [Int64] {
        [
            try await db.scalar("select count(*)::int8 from audit_log"),
            try await db.scalar("select coalesce(sum(hashtext(m::text)), 0)::int8 from member_tiers m"),
            try await db.scalar("select count(*)::int8 from tier_changes"),
        ]
    }

    @Test("jobs run tiers: a dry run changes nothing; a run downgrades one step, audits, and a second run does nothing")
    func runTiers() async throws {
        try await withTestDatabase { db in
            let number = try await dueGoldMember(db)
            let before = try await snapshot(db)
            let dry = try await loyalty(db, ["jobs", "run", "tiers", "--dry-run", "--format", "json"])
            #expect(dry.status == 0, "\(dry.stderr)")
            let preview = try dry.jsonObject()
            #expect(preview["job"] as? String == "tiers")
            #expect(preview["evaluated"] as? Int == 1)
            #expect(preview["downgraded"] as? Int == 1)
            #expect(preview["dry_run"] as? Bool == true)
            #expect(try await snapshot(db) == before)

            let run = try await loyalty(db, ["jobs", "run", "tiers", "--format", "json"])
            #expect(run.status == 0, "\(run.stderr)")
            let summary = try run.jsonObject()
            #expect(summary["evaluated"] as? Int == 1)
            #expect(summary["confirmed"] as? Int == 0)
            #expect(summary["downgraded"] as? Int == 1)
            #expect(summary["dry_run"] as? Bool == false)

            let history = try await loyalty(db, ["tier", "history", number, "--format", "json"])
            let changes = try #require(try history.json() as? [[String: Any]])
            #expect(changes.first?["from"] as? String == "gold")
            #expect(changes.first?["to"] as? String == "silver")
            #expect(changes.first?["reason"] as? String == "downgrade")
            #expect(changes.first?["actor"] as? String == "alice")
            #expect((changes.first?["note"] as? String)?.hasPrefix("qualifying 0 of 3000 points at evaluation ") == true)
            #expect(
                try await db.scalar(
                    "select count(*)::int8 from audit_log where action = 'job.tiers' and actor = 'alice' and (details->>'downgraded')::int = 1"
                ) == 1)

            let table = try await loyalty(db, ["jobs", "run", "tiers"])
            #expect(table.status == 0, "\(table.stderr)")
            let lines = table.stdout.split(separator: "\n")
            #expect(lines.contains { $0.hasPrefix("job ") && $0.hasSuffix(" tiers") })
            #expect(lines.contains { $0.hasPrefix("evaluated ") && $0.hasSuffix(" 0") })
            #expect(lines.contains { $0.hasPrefix("downgraded ") && $0.hasSuffix(" 0") })
            #expect(try await db.scalar("select count(*)::int8 from tier_changes where reason = 'downgrade'") == 1)
        }
    }

    @Test("the programme's settings apply: tiers.downgrade-steps 0 moves straight to the tier qualified for")
    func settingsApply() async throws {
        try await withTestDatabase { db in
            let number = try await dueGoldMember(db)
            let run = try await loyalty(db, ["jobs", "run", "tiers", "--format", "json"], environment: ["LOYALTY_TIERS_DOWNGRADE_STEPS": "0"])
            #expect(run.status == 0, "\(run.stderr)")
            #expect(try run.jsonObject()["downgraded"] as? Int == 1)
            let shown = try await loyalty(db, ["member", "show", number, "--format", "json"])
            #expect(try shown.jsonObject()["tier"] as? String == "member")
            // A 30-day grace period: yesterday's evaluation is not due yet.
            let graced = try await dueGoldMember(db)
            let waiting = try await loyalty(db, ["jobs", "run", "tiers", "--format", "json"], environment: ["LOYALTY_TIERS_GRACE_DAYS": "30"])
            #expect(try waiting.jsonObject()["evaluated"] as? Int == 0, "\(waiting.stderr)")
            #expect(try await loyalty(db, ["member", "show", graced, "--format", "json"]).jsonObject()["tier"] as? String == "gold")
        }
    }

    @Test("bad input: a clear one-line error, a non-zero status, and nothing written", arguments: [
        (["jobs", "run", "tiers", "--batch-size", "0"], "Error: BAD_ARGUMENT: batch-size"),
        (["jobs", "run", "tiers", "--batch-size", "10001"], "Error: BAD_ARGUMENT: batch-size"),
        (["jobs", "run", "tiers", "--batch-size", "-5"], "Error: BAD_ARGUMENT: batch-size"),
        (["jobs", "run", "tiers", "--batch-size", "ten"], "Error: BAD_ARGUMENT: batch-size"),
    ])
    func badInput(arguments: [String], prefix: String) async throws {
        try await withTestDatabase { db in
            _ = try await dueGoldMember(db)
            let before = try await snapshot(db)
            let outcome = try await loyalty(db, arguments)
            #expect(outcome.status != 0)
            #expect(outcome.stderr.split(separator: "\n").count == 1, "stderr: \(outcome.stderr)")
            #expect(outcome.stderr.hasPrefix(prefix), "stderr: \(outcome.stderr)")
            #expect(outcome.stdout.isEmpty)
            #expect(try await snapshot(db) == before)
        }
    }

    @Test("an unknown job, or none, is refused by the argument parser")
    func unknownJob() async throws {
        try await withTestDatabase { db in
            let unknown = try await loyalty(db, ["jobs", "run", "nosuch"])
            #expect(unknown.status != 0)
            #expect(unknown.stderr.contains("nosuch"), "\(unknown.stderr)")
            #expect(try await db.scalar("select count(*)::int8 from audit_log") == 0)
        }
    }
}
