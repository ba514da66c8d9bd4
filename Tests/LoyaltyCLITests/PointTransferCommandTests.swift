import Foundation
import LoyaltyCore
import LoyaltyStore
import LoyaltyTesting
import Testing

/// `loyalty points transfer`, run as a separate process.
@Suite("Point transfer CLI (PostgreSQL, subprocess)", .timeLimit(.minutes(6)))
struct PointTransferCommandTests {
    func loyalty(_ db: TestDatabase, _ arguments: [String], environment: [String: String] = [:]) async throws -> LoyaltyProcess.Outcome {
        try await LoyaltyProcess.run(
            arguments, environment: ["LOYALTY_DATABASE_URL": db.url.redacted, "LOYALTY_ACTOR": "alice"].merging(environment) { $1 })
    }

    /// A member added through the CLI, with `points` spendable points; its number.
    func member(_ db: TestDatabase, _ first: String, points: Int = 0) async throws -> String {
        let added = try await loyalty(db, ["member", "add", "--first-name", first, "--last-name", "Household", "--format", "json"])
        #expect(added.status == 0, "\(added.stderr)")
        let number = try #require(try added.jsonObject()["number"] as? String)
        if points > 0 {
            let earned = try await loyalty(db, ["points", "earn", number, "--points", String(points)])
            #expect(earned.status == 0, "\(earned.stderr)")
        }
        return number
    }

    @Test("transfer: JSON and table output, both histories show it, audited, db check passes")
    func transfer() async throws {
        try await withTestDatabase { db in
            let ada = try await member(db, "Ada", points: 300)
            let bob = try await member(db, "Bob")

            let moved = try await loyalty(
                db, ["points", "transfer", "--from", ada, "--to", bob, "--points", "120", "--note", "household", "--format", "json"])
            #expect(moved.status == 0, "\(moved.stderr)")
            let json = try moved.jsonObject()
            #expect(json["from"] as? String == ada && json["to"] as? String == bob)
            #expect(json["points"] as? Int == 120 && json["from_points"] as? Int == 180 && json["to_points"] as? Int == 120)
            #expect(json["note"] as? String == "household" && json["replayed"] == nil)
            let lots = try #require(json["lots"] as? [[String: Any]])
            #expect(lots.count == 1 && lots.first?["points"] as? Int == 120 && lots.first?["expires_at"] == nil)

            let table = try await loyalty(db, ["points", "transfer", "--from", bob, "--to", ada, "--points", "20"])
            #expect(table.status == 0, "\(table.stderr)")
            #expect(table.stdout.contains("from points  100") && table.stdout.contains("expiry       20 never"), "\(table.stdout)")

            let history = try await loyalty(db, ["points", "history", bob, "--format", "json"])
            let entries = try #require(try history.json() as? [[String: Any]])
            #expect(entries.map { $0["kind"] as? String } == ["transfer", "transfer"])
            #expect(entries.map { $0["points"] as? Int } == [-20, 120])
            #expect(entries.last?["reason"] as? String == "transfer from \(ada): household")
            #expect(entries.last?["admin"] as? String == "alice")
            let adaHistory = try await loyalty(db, ["points", "history", ada, "--format", "csv"])
            #expect(adaHistory.stdout.contains(",transfer,-120,180,,alice,transfer to \(bob): household"), "\(adaHistory.stdout)")

            let audit = try await loyalty(db, ["audit", "list", "--action", "points.transfer", "--format", "json"])
            let rows = try #require(try audit.json() as? [[String: Any]])
            #expect(rows.count == 2)
            let details = try #require(rows.last?["details"] as? [String: Any])
            #expect(rows.last?["actor"] as? String == "alice" && rows.last?["subject"] as? String == ada)
            #expect(details["from"] as? String == ada && details["to"] as? String == bob)
            #expect(details["points"] as? Int == 120 && details["note"] as? String == "household")

            let check = try await loyalty(db, ["db", "check", "--format", "json"])
            #expect(check.status == 0, "\(check.stdout)")
            #expect(try check.jsonObject()["consistent"] as? Bool == true)
            let names = try #require(try check.jsonObject()["checks"] as? [[String: Any]]).compactMap { $0["name"] as? String }
            #expect(names.contains("points.transfers"))
        }
    }

    @Test("--request-id: a retry replays the transfer and moves nothing; another transfer under it is refused")
    func requestID() async throws {
        try await withTestDatabase { db in
            let ada = try await member(db, "Ada", points: 300)
            let bob = try await member(db, "Bob")
            let arguments = ["points", "transfer", "--from", ada, "--to", bob, "--points", "100", "--request-id", "gift-2026-12", "--format", "json"]
            let first = try await loyalty(db, arguments)
            #expect(first.status == 0, "\(first.stderr)")
            let retry = try await loyalty(db, arguments)
            #expect(retry.status == 0, "\(retry.stderr)")
            var replayed = try retry.jsonObject()
            #expect(replayed.removeValue(forKey: "replayed") as? Bool == true)
            #expect(NSDictionary(dictionary: replayed) == NSDictionary(dictionary: try first.jsonObject()))
            #expect(try await db.scalar("select count(*)::int8 from point_transfers") == 1)

            let other = try await loyalty(db, ["points", "transfer", "--from", ada, "--to", bob, "--points", "50", "--request-id", "gift-2026-12"])
            #expect(other.status != 0)
            #expect(other.stderr.split(separator: "\n").count == 1 && other.stderr.contains("IDEMPOTENCY_CONFLICT"), "\(other.stderr)")
            #expect(try await db.scalar("select balance from point_accounts a join members m on m.id = a.member_id where m.number = \(ada)") == 200)
        }
    }

    @Test("bad input: a one-line error with a stable code, a non-zero status, and nothing written")
    func badInput() async throws {
        try await withTestDatabase { db in
            let ada = try await member(db, "Ada", points: 100)
            let bob = try await member(db, "Bob")
            let cy = try await member(db, "Cy")
            #expect(try await loyalty(db, ["member", "suspend", cy, "--reason", "dispute"]).status == 0)
            func count() async throws -> Int64 {
                try await db.scalar(
                    """
                    select (select count(*) from point_entries) + (select count(*) from point_transfers)
                         + (select count(*) from audit_log where action = 'points.transfer')
                    """)
            }
            let before = try await count()
            let transfer = ["points", "transfer", "--from", ada, "--to", bob]
            let cases: [(arguments: [String], environment: [String: String], code: String)] = [
                (transfer + ["--points", "0"], [:], "BAD_ARGUMENT"),
                (transfer + ["--points", "ten"], [:], "BAD_ARGUMENT"),
                (["points", "transfer", "--from", ada, "--to", ada, "--points", "20"], [:], "BAD_ARGUMENT"),
                (transfer + ["--points", "5"], [:], "BAD_ARGUMENT"),  // below the default minimum of 10
                (transfer + ["--points", "60"], ["LOYALTY_POINTS_TRANSFER_MAX": "50"], "BAD_ARGUMENT"),
                (transfer + ["--points", "20", "--note", String(repeating: "n", count: 201)], [:], "BAD_ARGUMENT"),
                (transfer + ["--points", "20", "--request-id", "not an id"], [:], "BAD_ARGUMENT"),
                (["points", "transfer", "--from", ada, "--to", "nobody@example.com", "--points", "20"], [:], "NOT_FOUND"),
                (["points", "transfer", "--from", ada, "--to", cy, "--points", "20"], [:], "MEMBER_INACTIVE"),
                (["points", "transfer", "--from", cy, "--to", bob, "--points", "20"], [:], "MEMBER_INACTIVE"),
                (transfer + ["--points", "101"], [:], "INSUFFICIENT_POINTS"),
                (transfer + ["--points", "40"], ["LOYALTY_POINTS_TRANSFER_MAX_30_DAYS": "30", "LOYALTY_POINTS_TRANSFER_MAX": "30"], "BAD_ARGUMENT"),
                (transfer + ["--points", "20"], ["LOYALTY_POINTS_TRANSFER_MIN": "0"], "CONFIGURATION"),
                (transfer + ["--points", "20"], ["LOYALTY_POINTS_TRANSFER_MAX": "20", "LOYALTY_POINTS_TRANSFER_MAX_30_DAYS": "10"], "CONFIGURATION"),
            ]
            for (arguments, environment, code) in cases {
                let outcome = try await loyalty(db, arguments, environment: environment)
                #expect(outcome.status != 0, "\(arguments)")
                #expect(outcome.stderr.split(separator: "\n").count == 1, "\(arguments): \(outcome.stderr)")
                #expect(outcome.stderr.contains(code), "\(arguments): \(outcome.stderr)")
                #expect(try await count() == before, "\(arguments) wrote something")
            }

            // The 30-day allowance: 80 of 100 sent, 30 more refused (RATE_LIMITED), 20 more allowed.
            let limits = ["LOYALTY_POINTS_TRANSFER_MAX": "100", "LOYALTY_POINTS_TRANSFER_MAX_30_DAYS": "100"]
            #expect(try await loyalty(db, transfer + ["--points", "80"], environment: limits).status == 0)
            let over = try await loyalty(db, transfer + ["--points", "30"], environment: limits)
            #expect(over.status != 0 && over.stderr.contains("RATE_LIMITED") && over.stderr.split(separator: "\n").count == 1, "\(over.stderr)")
            #expect(try await loyalty(db, transfer + ["--points", "20"], environment: limits).status == 0)
        }
    }
}
