import Foundation
import LoyaltyTesting
import Testing

/// The admin CLI against a test database given by URL, run as a separate process.
@Suite("Admin CLI (PostgreSQL, subprocess)", .timeLimit(.minutes(6)))
struct CLICommandTests {
    func loyalty(_ db: TestDatabase, _ arguments: String...) async throws -> LoyaltyProcess.Outcome {
        try await LoyaltyProcess.run(arguments, environment: ["LOYALTY_DATABASE_URL": db.url.redacted, "LOYALTY_ACTOR": "alice"])
    }

    @Test("terminal add prints the secret once as JSON; list and revoke")
    func terminals() async throws {
        try await withTestDatabase { db in
            let added = try await loyalty(db, "terminal", "add", "till-9", "--store", "berlin-01", "--format", "json")
            #expect(added.status == 0, "\(added.stderr)")
            let json = try added.jsonObject()
            #expect(json["terminal"] as? String == "till-9")
            let secret = try #require(json["secret"] as? String)
            #expect(secret.hasPrefix("lts_"))
            #expect(try await db.store.authenticate(terminal: "till-9", secret: secret).storeCode == "berlin-01")

            let list = try await loyalty(db, "terminal", "list", "--format", "csv")
            #expect(list.status == 0)
            #expect(list.stdout.split(separator: "\n").first == "name,store,status,created,revoked")
            #expect(list.stdout.contains("till-9,berlin-01,active"))
            #expect(!list.stdout.contains(secret))

            let revoked = try await loyalty(db, "terminal", "revoke", "till-9")
            #expect(revoked.status == 0)
            #expect(revoked.stdout.contains("revoked"))
            let again = try await loyalty(db, "terminal", "revoke", "till-9")
            #expect(again.status != 0)
            #expect(again.stderr.contains("NOT_FOUND"))
        }
    }

    @Test("members: add, show by number, phone and email, find, update, suspend, activate, close")
    func members() async throws {
        try await withTestDatabase { db in
            let added = try await loyalty(
                db, "member", "add", "--first-name", "Ada", "--last-name", "Lovelace", "--email", "Ada@Example.com",
                "--phone", "+49 151 1234 5678", "--birth-date", "1815-12-10", "--email-consent", "yes", "--tag", "VIP",
                "--format", "json")
            #expect(added.status == 0, "\(added.stderr)")
            let member = try added.jsonObject()
            let number = try #require(member["number"] as? String)
            #expect(member["email"] as? String == "ada@example.com")
            #expect(member["phone"] as? String == "+4915112345678")
            #expect(member["tags"] as? [String] == ["vip"])

            for reference in [number, "ada@example.com", "+4915112345678"] {
                let shown = try await loyalty(db, "member", "show", reference, "--format", "json")
                #expect(shown.status == 0, "\(reference): \(shown.stderr)")
                #expect(try shown.jsonObject()["number"] as? String == number)
            }
            let table = try await loyalty(db, "member", "show", number)
            #expect(table.stdout.contains("Ada Lovelace"))

            let found = try await loyalty(db, "member", "find", "LOVE", "--format", "csv")
            #expect(found.status == 0)
            #expect(found.stdout.contains(number))

            let updated = try await loyalty(db, "member", "update", number, "--city", "London", "--email", "", "--format", "json")
            #expect(updated.status == 0, "\(updated.stderr)")
            let record = try updated.jsonObject()
            #expect(record["city"] as? String == "London")
            #expect(record["email"] == nil)

            #expect(try await loyalty(db, "member", "suspend", number, "--reason", "dispute").status == 0)
            let refused = try await loyalty(db, "points", "earn", number, "--points", "5")
            #expect(refused.status != 0)
            #expect(refused.stderr.contains("MEMBER_INACTIVE"))
            #expect(try await loyalty(db, "member", "activate", number).status == 0)
            #expect(try await loyalty(db, "member", "close", number).status == 0)
            #expect(try await db.scalar("select count(*)::int8 from audit_log where actor = 'alice'") == 5)
        }
    }

    @Test("points: earn by amount and by points, redeem, adjust with a reason, reverse, history")
    func points() async throws {
        try await withTestDatabase { db in
            let added = try await loyalty(db, "member", "add", "--first-name", "Grace", "--last-name", "Hopper", "--format", "json")
            let number = try #require(try added.jsonObject()["number"] as? String)

            let earned = try await loyalty(db, "points", "earn", number, "--amount", "25.99", "--currency", "EUR", "--format", "json")
            #expect(earned.status == 0, "\(earned.stderr)")
            let earn = try earned.jsonObject()
            #expect(earn["earned"] as? Int == 25)
            let entry = try #require(earn["entry"] as? Int)

            #expect(try await loyalty(db, "points", "earn", number, "--points", "100").status == 0)
            let redeemed = try await loyalty(db, "points", "redeem", number, "--points", "20", "--format", "json")
            #expect(try redeemed.jsonObject()["points"] as? Int == 105)

            let noReason = try await loyalty(db, "points", "adjust", number, "--points", "-5")
            #expect(noReason.status != 0)
            let adjusted = try await loyalty(db, "points", "adjust", number, "--points", "-5", "--reason", "typo", "--format", "json")
            #expect(try adjusted.jsonObject()["points"] as? Int == 100)

            let reversed = try await loyalty(db, "points", "reverse", "--entry", String(entry), "--format", "json")
            #expect(try reversed.jsonObject()["reversed"] as? Int == 25)

            let history = try await loyalty(db, "points", "history", number, "--format", "json")
            let entries = try #require(try history.json() as? [[String: Any]])
            #expect(entries.map { $0["kind"] as? String } == ["reverse", "adjust", "redeem", "earn", "earn"])
            #expect(entries.first?["balance"] as? Int == 75)

            let tooMuch = try await loyalty(db, "points", "redeem", number, "--points", "1000")
            #expect(tooMuch.status != 0)
            #expect(tooMuch.stderr.contains("INSUFFICIENT_POINTS"))
        }
    }

    @Test("bad input: a clear one-line error, a non-zero status, and nothing changed", arguments: [
        ["member", "show", "0001000008"],
        ["points", "earn", "0001000008", "--amount", "1.234", "--currency", "EUR"],
        ["points", "earn", "0001000008", "--amount", "5", "--currency", "XXX"],
        ["member", "add", "--first-name", "A", "--last-name", "B", "--email", "not-an-email"],
        ["terminal", "add", "bad name"],
    ])
    func badInput(arguments: [String]) async throws {
        try await withTestDatabase { db in
            let outcome = try await LoyaltyProcess.run(arguments, environment: ["LOYALTY_DATABASE_URL": db.url.redacted])
            #expect(outcome.status != 0)
            let lines = outcome.stderr.split(separator: "\n")
            #expect(lines.count == 1, "stderr: \(outcome.stderr)")
            #expect(outcome.stderr.contains("BAD_ARGUMENT"))
            #expect(try await db.scalar("select count(*)::int8 from audit_log") == 0)
        }
    }

    @Test("db status lists the migrations; a database that is behind is refused until db migrate")
    func migrations() async throws {
        try await withTestDatabase { db in
            let status = try await loyalty(db, "db", "status", "--format", "csv")
            #expect(status.status == 0, "\(status.stderr)")
            #expect(status.stdout.contains("0001_foundation.sql,applied"))
        }
        try await withTestDatabase(schema: .empty) { db in
            let refused = try await loyalty(db, "member", "find", "a")
            #expect(refused.status != 0)
            #expect(refused.stderr.contains("loyalty db migrate"))
            let migrated = try await loyalty(db, "db", "migrate")
            #expect(migrated.status == 0, "\(migrated.stderr)")
            #expect(migrated.stdout.contains("0001_foundation.sql"))
            #expect(try await loyalty(db, "member", "find", "a").status == 0)
        }
    }
}
