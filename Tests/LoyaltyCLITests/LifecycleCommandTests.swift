import Foundation
import LoyaltyTesting
import Testing

/// `loyalty promo ...`, `loyalty jobs run expiry`, `loyalty points expiring` and the settings that drive
/// them, against a test database given by URL, run as a separate process.
@Suite("Promotion and expiry commands (PostgreSQL, subprocess)", .timeLimit(.minutes(6)))
struct LifecycleCommandTests {
    func loyalty(_ db: TestDatabase, _ arguments: [String], settings: [String: String] = [:]) async throws -> LoyaltyProcess.Outcome {
        try await LoyaltyProcess.run(
            arguments,
            environment: ["LOYALTY_DATABASE_URL": db.url.redacted, "LOYALTY_ACTOR": "alice"].merging(settings) { $1 })
    }

    @Test("promo add, list, show, update and end; the EARN of `points earn` itemises the promotion")
    func promotions() async throws {
        try await withTestDatabase { db in
            let day = try await db.dateText()
            let added = try await loyalty(
                db, ["promo", "add", "double-weekend", "--name", "Double points weekend", "--from", day, "--to", day,
                     "--multiplier", "2", "--format", "json"])
            #expect(added.status == 0, "\(added.stderr)")
            #expect(try added.jsonObject()["multiplier_percent"] as? Int == 200)
            let bonus = try await loyalty(
                db, ["promo", "add", "welcome", "--name", "Welcome", "--from", day, "--to", day, "--bonus", "200",
                     "--condition", "first-purchase", "--limit", "1", "--min-spend", "10.00", "--currency", "EUR"])
            #expect(bonus.status == 0, "\(bonus.stderr)")

            let member = try await loyalty(db, ["member", "add", "--first-name", "Ada", "--last-name", "Lovelace", "--format", "json"])
            let number = try #require(try member.jsonObject()["number"] as? String)
            let earn = try await loyalty(db, ["points", "earn", number, "--amount", "25.99", "--currency", "EUR", "--format", "json"])
            #expect(earn.status == 0, "\(earn.stderr)")
            let result = try earn.jsonObject()
            #expect(result["earned"] as? Int == 250 && result["base"] as? Int == 25)
            let promotions = try #require(result["promotions"] as? [[String: Any]])
            #expect(promotions.map { $0["code"] as? String } == ["double-weekend", "welcome"])
            #expect(promotions.map { $0["points"] as? Int } == [25, 200])
            let table = try await loyalty(db, ["points", "earn", number, "--amount", "10.00", "--currency", "EUR"])
            #expect(table.stdout.contains("promotion double-weekend") && !table.stdout.contains("promotion welcome"))

            let csv = try await loyalty(db, ["promo", "list", "--format", "csv"])
            #expect(csv.status == 0, "\(csv.stderr)")
            let lines = csv.stdout.split(separator: "\n")
            #expect(lines.first == "code,name,from,to,bonus,condition,stores,min_spend,limit,status,awards,points")
            #expect(lines.contains { $0.hasPrefix("welcome,Welcome,\(day),\(day),+200,first-purchase,all,10.00 EUR,1,active,1,200") })

            let updated = try await loyalty(db, ["promo", "update", "welcome", "--limit", "2", "--format", "json"])
            #expect(try updated.jsonObject()["limit_per_member"] as? Int == 2)
            let ended = try await loyalty(db, ["promo", "end", "double-weekend", "--format", "json"])
            #expect(try ended.jsonObject()["status"] as? String == "ended")
            let active = try await loyalty(db, ["promo", "list", "--format", "json"])
            #expect((try active.json() as? [[String: Any]])?.map { $0["code"] as? String } == ["welcome"])
            let shown = try await loyalty(db, ["promo", "show", "double-weekend", "--format", "json"])
            #expect(try shown.jsonObject()["awards"] as? Int == 2)
            #expect(
                try await db.scalar("select count(*)::int8 from audit_log where action like 'promo.%' and actor = 'alice'") == 4)
        }
    }

    @Test("bad promotion input is refused with a clear message and changes nothing")
    func badInput() async throws {
        try await withTestDatabase { db in
            let day = try await db.dateText()
            let cases: [([String], String)] = [
                (["promo", "add", "x", "--from", day, "--to", day, "--bonus", "5"], "--name"),
                (["promo", "add", "x", "--name", "X", "--from", day, "--to", day], "--multiplier or --bonus"),
                (["promo", "add", "x", "--name", "X", "--from", day, "--to", day, "--bonus", "5", "--multiplier", "2"], "one of them"),
                (["promo", "add", "x", "--name", "X", "--from", day, "--to", "2000-01-01", "--bonus", "5"], "before the first"),
                (["promo", "add", "X Y", "--name", "X", "--from", day, "--to", day, "--bonus", "5"], "lower-case"),
                (["promo", "add", "x", "--name", "X", "--from", day, "--to", day, "--multiplier", "1"], "more than 1"),
                (["promo", "add", "x", "--name", "X", "--from", day, "--to", day, "--bonus", "5", "--condition", "sunny"], "first-purchase"),
                (["promo", "add", "x", "--name", "X", "--from", day, "--to", day, "--bonus", "5", "--min-spend", "10"], "--currency"),
                (["promo", "add", "x", "--name", "X", "--from", day, "--to", day, "--bonus", "5", "--limit", "-1"], "limit"),
                (["promo", "end", "nope"], "no promotion"),
                (["points", "expiring", "--within", "soon"], "days"),
            ]
            for (arguments, message) in cases {
                let outcome = try await loyalty(db, arguments)
                #expect(outcome.status != 0, "\(arguments)")
                #expect(outcome.stderr.contains(message), "\(arguments): \(outcome.stderr)")
            }
            #expect(try await db.scalar("select count(*)::int8 from promotions") == 0)
            #expect(try await db.scalar("select count(*)::int8 from audit_log") == 0)
            let setting = try await loyalty(db, ["jobs", "run", "expiry"], settings: ["LOYALTY_POINTS_EXPIRY": "lifetime"])
            #expect(setting.status != 0 && setting.stderr.contains("points.expiry-months"), "\(setting.stderr)")
        }
    }

    @Test("jobs run expiry and points expiring --within, with the policy from the settings; a second run expires nothing")
    func expiry() async throws {
        try await withTestDatabase { db in
            let lifetime = ["LOYALTY_POINTS_EXPIRY": "lifetime", "LOYALTY_POINTS_EXPIRY_MONTHS": "1"]
            var numbers: [String] = []
            for name in ["Ada", "Bob"] {
                let member = try await loyalty(
                    db, ["member", "add", "--first-name", name, "--last-name", "Expiring", "--email", "\(name.lowercased())@example.com",
                         "--email-consent", "yes", "--format", "json"])
                #expect(member.status == 0, "\(member.stderr)")
                numbers.append(try #require(try member.jsonObject()["number"] as? String))
            }
            for (number, points) in zip(numbers, ["30", "45"]) {
                let earned = try await loyalty(db, ["points", "earn", number, "--points", points], settings: lifetime)
                #expect(earned.status == 0, "\(earned.stderr)")
            }
            try await db.travel(days: 20)
            let soon = try await loyalty(db, ["points", "expiring", "--within", "2w", "--format", "csv"], settings: lifetime)
            #expect(soon.status == 0, "\(soon.stderr)")
            let lines = soon.stdout.split(separator: "\n")
            #expect(lines.first == "member,first_name,last_name,email,phone,email_consent,sms_consent,points,first_expiry,balance")
            #expect(lines.count == 3)
            #expect(lines.dropFirst().allSatisfy { $0.contains("@example.com,,yes,no,") })

            try await db.travel(days: 15)
            let run = try await loyalty(db, ["jobs", "run", "expiry", "--format", "json"], settings: lifetime)
            #expect(run.status == 0, "\(run.stderr)")
            let summary = try run.jsonObject()
            #expect(summary["points"] as? Int == 75 && summary["members"] as? Int == 2)
            let again = try await loyalty(db, ["jobs", "run", "expiry", "--format", "json"], settings: lifetime)
            #expect(try again.jsonObject()["points"] as? Int == 0)
            #expect(try await db.scalar("select count(*)::int8 from audit_log where action = 'job.expiry'") == 2)
            #expect(try await db.scalar("select sum(balance)::int8 from point_accounts") == 0)
        }
    }
}
