import Foundation
import LoyaltyCore
import LoyaltyStore
import LoyaltyTesting
import Testing

/// `loyalty source …`, `member add|update --source`, `loyalty campaign …` and `report campaigns|sources`,
/// run as a separate process (docs/campaigns.md).
@Suite("Source and campaign commands (PostgreSQL, subprocess)", .timeLimit(.minutes(6)))
struct CampaignCommandTests {
    func run(_ db: TestDatabase, _ arguments: [String]) async throws -> LoyaltyProcess.Outcome {
        try await LoyaltyProcess.run(arguments, environment: ["LOYALTY_DATABASE_URL": db.url.redacted, "LOYALTY_ACTOR": "alice"])
    }

    /// A table record (`key  value` lines) as a dictionary.
    func fields(_ text: String) -> [String: String] {
        var fields: [String: String] = [:]
        for line in text.split(separator: "\n") {
            guard let range = line.range(of: "  ") else { continue }
            fields[String(line[..<range.lowerBound])] = line[range.upperBound...].trimmingCharacters(in: .whitespaces)
        }
        return fields
    }

    @Test("source add|list|show|update and member add|update --source|--no-source; bad input is refused and changes nothing")
    func sources() async throws {
        try await withTestDatabase { db in
            let added = try await run(
                db, ["source", "add", "partner-x", "--name", "Partner X", "--channel", "partner", "--from", "2026-01-01", "--cost", "1500.00",
                     "--currency", "EUR"])
            #expect(added.status == 0, "\(added.stderr)")
            #expect(fields(added.stdout)["cost"] == "1500.00 EUR")
            for (arguments, code) in [
                (["source", "add", "partner-x", "--name", "Again", "--channel", "partner"], "ALREADY_EXISTS"),
                (["source", "add", "Bad Code", "--name", "X", "--channel", "partner"], "BAD_ARGUMENT"),
                (["source", "add", "later", "--name", "X", "--channel", "partner", "--from", "2026-02-01", "--to", "2026-01-01"], "BAD_ARGUMENT"),
                (["source", "add", "later", "--name", "X", "--channel", "partner", "--currency", "EUR"], "MISSING_ARGUMENT"),
                (["source", "add", "later", "--name", "X", "--channel", "partner", "--cost", "1.234"], "BAD_ARGUMENT"),
                (["source", "update", "partner-x"], "MISSING_ARGUMENT"),
                (["source", "show", "nope"], "NOT_FOUND"),
            ] {
                let refused = try await run(db, arguments)
                #expect(refused.status != 0 && refused.stderr.contains("Error: \(code)"), "\(arguments): \(refused.stderr)")
            }
            #expect(try await db.scalar("select count(*)::int8 from acquisition_sources") == 1)
            let updated = try await run(db, ["source", "update", "partner-x", "--cost", "1750.50", "--to", "2026-06-30"])
            #expect(updated.status == 0 && fields(updated.stdout)["cost"] == "1750.50 EUR" && fields(updated.stdout)["to"] == "2026-06-30")

            let unknown = try await run(db, ["member", "add", "--first-name", "Una", "--last-name", "Known", "--source", "nowhere"])
            #expect(unknown.status != 0 && unknown.stderr.contains("Error: BAD_ARGUMENT"), "\(unknown.stderr)")
            #expect(try await db.scalar("select count(*)::int8 from members") == 0)
            let member = try await run(db, ["member", "add", "--first-name", "Ada", "--last-name", "Source", "--source", "partner-x"])
            #expect(member.status == 0, "\(member.stderr)")
            let number = try #require(fields(member.stdout)["member"])
            #expect(fields(member.stdout)["acquisition source"] == "partner-x")
            let both = try await run(db, ["member", "update", number, "--source", "partner-x", "--no-source"])
            #expect(both.status != 0 && both.stderr.contains("Error: BAD_ARGUMENT"))
            let cleared = try await run(db, ["member", "update", number, "--no-source", "--format", "json"])
            #expect(cleared.status == 0, "\(cleared.stderr)")
            let clearedJSON = try cleared.jsonObject()
            #expect(clearedJSON["acquisition_source"] == nil && clearedJSON["number"] as? String == number, "\(cleared.stdout)")
            let set = try await run(db, ["member", "update", number, "--source", "partner-x"])
            #expect(set.status == 0 && fields(set.stdout)["acquisition source"] == "partner-x")
            let list = try await run(db, ["source", "list", "--format", "csv"])
            #expect(list.stdout.split(separator: "\n").last == "partner-x,Partner X,partner,2026-01-01,2026-06-30,1750.50,EUR,1", "\(list.stdout)")
            let report = try await run(db, ["report", "sources", "--format", "csv"])
            #expect(report.status == 0, "\(report.stderr)")
            #expect(
                report.stdout.split(separator: "\n").map(String.init) == [
                    "source,channel,members,customers,repeat customers,repeat rate,revenue,cost,cost per member,return on cost",
                    "partner-x,partner,1,0,0,,0.00,1750.50 EUR,1750.50,-100.0",
                ], "\(report.stdout)")
        }
    }

    @Test("campaign add refuses bad input and changes nothing; campaign list and show")
    func campaignAdd() async throws {
        try await withTestDatabase { db in
            #expect(try await run(db, ["segment", "create", "everyone", "--description", "all"]).status == 0)
            let base = ["campaign", "add", "spring", "--name", "Spring", "--channel", "email", "--segment", "everyone"]
            for (extra, code) in [
                (["--holdout", "95"], "BAD_ARGUMENT"), (["--holdout", "ten"], "BAD_ARGUMENT"), (["--window", "0d"], "BAD_ARGUMENT"),
                (["--window", "400d"], "BAD_ARGUMENT"), (["--promo", "missing"], "BAD_ARGUMENT"), (["--cost", "1,5"], "BAD_ARGUMENT"),
                (["--from", "2026-02-30"], "BAD_ARGUMENT"),
            ] {
                let refused = try await run(db, base + extra)
                #expect(refused.status != 0 && refused.stderr.contains("Error: \(code)"), "\(extra): \(refused.stderr)")
            }
            for (arguments, code) in [
                (["campaign", "add", "spring", "--name", "Spring", "--channel", "fax", "--segment", "everyone"], "BAD_ARGUMENT"),
                (["campaign", "add", "spring", "--name", "Spring", "--channel", "email"], "MISSING_ARGUMENT"),
                (["campaign", "add", "spring", "--name", "Spring", "--channel", "email", "--segment", "nobody"], "BAD_ARGUMENT"),
                (["campaign", "send", "spring", "--out", "/nonexistent/dir/x.csv"], "BAD_ARGUMENT"),
                (["campaign", "send", "spring"], "MISSING_ARGUMENT"),
            ] {
                let refused = try await run(db, arguments)
                #expect(refused.status != 0 && refused.stderr.contains("Error: \(code)"), "\(arguments): \(refused.stderr)")
            }
            #expect(try await db.scalar("select count(*)::int8 from campaigns") == 0)
            let added = try await run(db, base + ["--holdout", "25", "--window", "2w", "--cost", "80.00"])
            #expect(added.status == 0, "\(added.stderr)")
            let shown = fields(added.stdout)
            #expect(shown["holdout"] == "25%" && shown["window"] == "14 days" && shown["cost"] == "80.00 EUR" && shown["sent"] == "not yet")
            let list = try await run(db, ["campaign", "list", "--format", "json"])
            let campaigns = try #require(try list.json() as? [[String: Any]])
            #expect(campaigns.count == 1 && campaigns.first?["code"] as? String == "spring")
            let export = try await run(db, ["campaign", "export", "spring"])
            #expect(export.status != 0 && export.stderr.contains("not sent yet"))
        }
    }

    @Test("win-back end to end: lapsed segment, promotion, campaign with holdout, send, export, purchases, attribution report")
    func winBack() async throws {
        try await withTestDatabase { db in
            let directory = try makeTemporaryDirectory(prefix: "wb")
            let store = db.store
            // 40 customers who last bought 200 days ago (lapsed by the default 180-day rule), with email consent,
            // and 5 who bought last week.
            var lapsed: [MemberReference] = []
            for index in 1...45 {
                let result = try await store.enroll(
                    NewMember(
                        firstName: "C\(index)", lastName: "Customer", email: try EmailAddress(parsing: "c\(index)@example.com"), emailConsent: true),
                    origin: .admin(actor: "test"))
                let member = MemberReference.number(try MemberNumber(parsing: result.member))
                if index <= 40 { lapsed.append(member) }
                _ = try await store.earn(member, points: 10, purchase: Money(minorUnits: 1000, currency: .euro), receipt: nil, origin: .admin(actor: "test"))
                if index == 40 { try await db.travel(days: 193) }
            }
            try await db.travel(days: 7)
            let today = try await db.dateText()
            let until = try await db.dateText(daysFromToday: 30)

            let promo = try await run(db, ["promo", "add", "winback", "--name", "We miss you", "--from", today, "--to", until, "--bonus", "500"])
            #expect(promo.status == 0, "\(promo.stderr)")
            let segment = try await run(db, ["segment", "create", "lapsed", "--lapse", "lapsed", "--consent", "email"])
            #expect(segment.status == 0, "\(segment.stderr)")
            let added = try await run(
                db, ["campaign", "add", "winback-1", "--name", "Win-back", "--channel", "email", "--segment", "lapsed", "--holdout", "20",
                     "--window", "30d", "--promo", "winback", "--cost", "50.00", "--currency", "EUR"])
            #expect(added.status == 0, "\(added.stderr)")

            let out = directory + "/send.csv"
            let sent = try await run(db, ["campaign", "send", "winback-1", "--out", out, "--format", "json"])
            #expect(sent.status == 0, "\(sent.stderr)")
            let summary = try sent.jsonObject()
            let contacted = try #require(summary["contacted"] as? Int)
            let heldOut = try #require(summary["holdout"] as? Int)
            #expect(contacted + heldOut == 40 && heldOut >= 2 && contacted >= 2, "\(summary)")
            let lines = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n")
            #expect(lines.first == "member,first_name,last_name,email,contacted_at" && lines.count == contacted + 1)
            let mode = try #require(try FileManager.default.attributesOfItem(atPath: out)[.posixPermissions] as? NSNumber)
            #expect(mode.intValue & 0o777 == 0o600)

            let again = try await run(db, ["campaign", "send", "winback-1", "--out", directory + "/again.csv"])
            #expect(again.status != 0 && again.stderr.contains("Error: ALREADY_EXISTS"), "\(again.stderr)")
            #expect(!FileManager.default.fileExists(atPath: directory + "/again.csv"))
            let exportPath = directory + "/export.csv"
            let export = try await run(db, ["campaign", "export", "winback-1", "--out", exportPath])
            #expect(export.status == 0, "\(export.stderr)")
            #expect(try String(contentsOfFile: exportPath, encoding: .utf8) == String(contentsOfFile: out, encoding: .utf8))

            // Two contacted members come back and spend 20.00 each, with the win-back bonus; one held-out member
            // spends 10.00 without it.
            func arm(_ arm: String) async throws -> [MemberReference] {
                try await db.texts(
                    "select m.number from campaign_members cm join members m on m.id = cm.member_id where cm.arm = \(arm) order by m.number"
                ).map { .number(try MemberNumber(parsing: $0)) }
            }
            let contactedMembers = try await arm("contacted")
            let holdoutMembers = try await arm("holdout")
            for member in contactedMembers.prefix(2) {
                let earn = try await store.earn(member, points: 20, purchase: Money(minorUnits: 2000, currency: .euro), receipt: nil, origin: .admin(actor: "t"))
                #expect(earn.earned == 520 && earn.promotions?.map(\.code) == ["winback"])
            }
            let control = try await store.earn(
                holdoutMembers[0], points: 10, purchase: Money(minorUnits: 1000, currency: .euro), receipt: nil, origin: .admin(actor: "t"))
            #expect(control.earned == 10 && control.promotions == nil)

            let report = try await run(db, ["report", "campaigns", "--format", "json"])
            #expect(report.status == 0, "\(report.stderr)")
            let campaign = try #require((try report.jsonObject()["campaigns"] as? [[String: Any]])?.first)
            let treated = try #require(campaign["contacted"] as? [String: Any])
            let held = try #require(campaign["holdout"] as? [String: Any])
            #expect(treated["members"] as? Int == contacted && treated["purchasers"] as? Int == 2 && treated["revenue_minor"] as? Int == 4000)
            #expect(held["members"] as? Int == heldOut && held["purchasers"] as? Int == 1 && held["revenue_minor"] as? Int == 1000)
            // The formulas of docs/campaigns.md, rounded half up (all figures here are positive).
            func rounded(_ numerator: Int, _ denominator: Int) -> Int { (2 * numerator + denominator) / (2 * denominator) }
            #expect(treated["conversion_permille"] as? Int == rounded(2000, contacted))
            #expect(held["conversion_permille"] as? Int == rounded(1000, heldOut))
            #expect(campaign["uplift_permille"] as? Int == rounded(2000, contacted) - rounded(1000, heldOut))
            let incremental = 4000 - rounded(1000 * contacted, heldOut)
            #expect(campaign["incremental_revenue_minor"] as? Int == incremental)
            // Half away from zero: the return is negative when the uplift does not pay for the campaign.
            let gain = (incremental - 5000) * 1000
            let expectedReturn = (gain < 0 ? -1 : 1) * rounded(abs(gain), 5000)
            #expect(campaign["return_on_cost_permille"] as? Int == expectedReturn)
            #expect(campaign["cost_minor"] as? Int == 5000)

            for format in ["table", "csv", "html"] {
                let rendered = try await run(db, ["report", "campaigns", "--campaign", "winback-1", "--window", "60d", "--format", format])
                #expect(rendered.status == 0 && rendered.stdout.contains("winback-1"), "\(format): \(rendered.stderr)")
            }
            let bad = try await run(db, ["report", "campaigns", "--window", "0"])
            #expect(bad.status != 0 && bad.stderr.contains("Error: BAD_ARGUMENT"))
            let unknown = try await run(db, ["report", "campaigns", "--campaign", "nope"])
            #expect(unknown.status != 0 && unknown.stderr.contains("Error: NOT_FOUND"))
        }
    }
}
