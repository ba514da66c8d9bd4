import Foundation
import LoyaltyStore
import LoyaltyTesting
import PostgresNIO
import Testing

/// `loyalty db check` as a separate process: exit 0 and a report on a consistent database, a non-zero exit
/// with `Error: INCONSISTENT:` naming the check once an invariant is broken behind the database's back.
@Suite("db check (PostgreSQL, subprocess)", .timeLimit(.minutes(4)))
struct DatabaseCheckCommandTests {
    @Test("db check: all checks hold and exit 0; a balance changed by hand fails points.balance with INCONSISTENT and exit 1")
    func checkThroughTheBinary() async throws {
        try await withTestDatabase { db in
            let directory = try makeTemporaryDirectory(prefix: "dbcheck-")
            let member = try await db.newMember()
            _ = try await db.store.adjust(member, points: 50, reason: "welcome", actor: "test")
            let environment = ["LOYALTY_DATABASE_URL": db.url.redacted, "LOYALTY_ACTOR": "alice", "LOYALTY_SECURITY_KEY_FILE": directory + "/k"]

            let table = try await LoyaltyProcess.run(["db", "check"], environment: environment)
            #expect(table.status == 0, "\(table.stderr)")
            #expect(table.stdout.contains("points.balance") && table.stdout.contains("giftcards.holds-ended-once"), "\(table.stdout)")
            #expect(table.stdout.contains("checks hold"), "\(table.stdout)")
            #expect(!table.stdout.contains("FAILED"))

            _ = try await db.client.query(
                """
                do $$ begin
                    perform set_config('session_replication_role', 'replica', true);
                    update point_accounts set balance = balance + 1;
                end $$
                """, logger: db.logger)

            let failed = try await LoyaltyProcess.run(["db", "check", "--format", "json"], environment: environment)
            #expect(failed.status != 0)
            #expect(failed.stderr.hasPrefix("Error: INCONSISTENT: "), "\(failed.stderr)")
            #expect(failed.stderr.contains("points.balance (1)"), "\(failed.stderr)")
            let report = try failed.jsonObject()
            #expect(report["consistent"] as? Bool == false)
            let checks = try #require(report["checks"] as? [[String: Any]])
            let balance = try #require(checks.first { $0["name"] as? String == "points.balance" })
            #expect(balance["violations"] as? Int == 1)
            #expect(balance["examples"] as? [String] == [member.value])
            #expect(checks.first { $0["name"] as? String == "giftcards.balance" }?["violations"] as? Int == 0)

            let tableFailed = try await LoyaltyProcess.run(["db", "check"], environment: environment)
            #expect(tableFailed.status != 0)
            #expect(tableFailed.stdout.contains("FAILED"), "\(tableFailed.stdout)")
        }
    }
}
