import Foundation
import LoyaltyTesting
import Testing

/// `loyalty interaction …`, `followup …`, `member show`, `member birthdays` and `jobs run birthdays`
/// against a test database, run as a separate process (docs/interactions.md).
@Suite("Interaction, follow-up and birthday commands (PostgreSQL, subprocess)", .timeLimit(.minutes(6)))
struct InteractionCommandTests {
    func loyalty(_ db: TestDatabase, _ arguments: [String], environment: [String: String] = [:]) async throws -> LoyaltyProcess.Outcome {
        try await LoyaltyProcess.run(
            arguments,
            environment: ["LOYALTY_DATABASE_URL": db.url.redacted, "LOYALTY_ACTOR": "alice"].merging(environment) { _, new in new })
    }

    /// Adds a member (born today twenty years ago, with email consent) and returns their number.
    func addMember(_ db: TestDatabase, born: String? = nil) async throws -> String {
        var arguments = ["member", "add", "--first-name", "Ada", "--last-name", "Lovelace", "--email", "ada@example.com",
                         "--email-consent", "yes", "--format", "json"]
        if let born { arguments += ["--birth-date", born] }
        let added = try await loyalty(db, arguments)
        #expect(added.status == 0, "\(added.stderr)")
        return try #require(try added.jsonObject()["number"] as? String)
    }

    /// Rows and audit entries of the tables these commands write, to see that a refusal wrote nothing.
    func snapshot(_ db: TestDatabase) async throws -> [Int64] {
        [
            try await db.scalar("select count(*)::int8 from interactions"),
            try await db.scalar("select count(*)::int8 from followups"),
            try await db.scalar("select count(*)::int8 from audit_log"),
            try await db.scalar("select coalesce(sum(hashtext(i::text)), 0)::int8 from interactions i"),
            try await db.scalar("select coalesce(sum(hashtext(f::text)), 0)::int8 from followups f"),
            try await db.scalar("select count(*)::int8 from point_entries"),
        ]
    }

    @Test("interaction add, list, list --open, show and update; the author is --actor")
    func interactions() async throws {
        try await withTestDatabase { db in
            let number = try await addMember(db)
            let note = try await loyalty(db, ["interaction", "add", number, "--kind", "note", "--channel", "store", "--summary", "Likes tea", "--format", "json"])
            #expect(note.status == 0, "\(note.stderr)")
            #expect(try note.jsonObject()["author"] as? String == "alice")
            let added = try await loyalty(
                db, ["interaction", "add", number, "--kind", "complaint", "--channel", "phone", "--summary", "Broken cup",
                     "--body", "Line one\nline two", "--at", "2026-01-05T10:00:00Z", "--format", "json"])
            #expect(added.status == 0, "\(added.stderr)")
            let complaint = try added.jsonObject()
            #expect(complaint["status"] as? String == "open" && complaint["owner"] as? String == "alice")
            #expect(complaint["occurred_at"] as? String == "2026-01-05T10:00:00Z")
            let id = try #require(complaint["id"] as? Int)

            let list = try await loyalty(db, ["interaction", "list", number, "--format", "csv"])
            #expect(list.status == 0, "\(list.stderr)")
            let lines = list.stdout.split(separator: "\n")
            #expect(lines.count == 3 && lines[1].contains("Likes tea") && lines[2].contains("Broken cup"))
            let complaints = try await loyalty(db, ["interaction", "list", number, "--kind", "complaint"])
            #expect(complaints.stdout.contains("Broken cup") && !complaints.stdout.contains("Likes tea"))

            let open = try await loyalty(db, ["interaction", "list", "--open", "--owner", "alice"])
            #expect(open.status == 0 && open.stdout.contains("Broken cup"), "\(open.stderr)")
            let shown = try await loyalty(db, ["interaction", "show", String(id)])
            #expect(shown.status == 0 && shown.stdout.contains("Line one"), "\(shown.stderr)")

            let resolved = try await loyalty(db, ["interaction", "update", String(id), "--status", "resolved", "--owner", "bob", "--format", "json"])
            #expect(resolved.status == 0, "\(resolved.stderr)")
            let record = try resolved.jsonObject()
            #expect(record["status"] as? String == "resolved" && record["owner"] as? String == "bob" && record["resolved_at"] != nil)
            let none = try await loyalty(db, ["interaction", "list", "--open", "--format", "json"])
            let noneLeft = try none.json() as? [Any]
            #expect(noneLeft?.isEmpty == true, "\(none.stdout)")
        }
    }

    @Test("interaction refusals: bad kind, channel, status, id, time, empty summary, owner on a note, closed member; nothing changes")
    func interactionRefusals() async throws {
        try await withTestDatabase { db in
            let number = try await addMember(db)
            let noted = try await loyalty(db, ["interaction", "add", number, "--kind", "note", "--channel", "web", "--summary", "x", "--format", "json"])
            let note = try #require(try noted.jsonObject()["id"] as? Int)
            let before = try await snapshot(db)
            let cases: [([String], String)] = [
                (["interaction", "add", number, "--kind", "letter", "--channel", "web", "--summary", "x"], "BAD_ARGUMENT: kind"),
                (["interaction", "add", number, "--kind", "note", "--channel", "fax", "--summary", "x"], "BAD_ARGUMENT: channel"),
                (["interaction", "add", number, "--kind", "note", "--channel", "web", "--summary", ""], "BAD_ARGUMENT: summary"),
                (["interaction", "add", number, "--kind", "note", "--channel", "web", "--summary", "x", "--owner", "bob"], "BAD_ARGUMENT: owner"),
                (["interaction", "add", number, "--kind", "note", "--channel", "web", "--summary", "x", "--at", "yesterday"], "BAD_ARGUMENT: at"),
                (["interaction", "add", number, "--kind", "note", "--channel", "web", "--summary", "x", "--at", "2999-01-01T00:00:00Z"], "BAD_ARGUMENT"),
                (["interaction", "update", String(note), "--status", "resolved"], "BAD_ARGUMENT"),
                (["interaction", "update", String(note), "--status", "done"], "BAD_ARGUMENT: status"),
                (["interaction", "update", String(note)], "MISSING_ARGUMENT"),
                (["interaction", "update", "abc", "--status", "open"], "BAD_ARGUMENT: id"),
                (["interaction", "show", "9999999"], "NOT_FOUND"),
                (["interaction", "list", "--open", number], "BAD_ARGUMENT: member"),
                (["interaction", "list"], "MISSING_ARGUMENT"),
                (["interaction", "list", number, "--limit", "0"], "BAD_ARGUMENT: limit"),
            ]
            for (arguments, error) in cases {
                let outcome = try await loyalty(db, arguments)
                #expect(outcome.status != 0, "\(arguments)")
                #expect(outcome.stderr.contains("Error: \(error)"), "\(arguments): \(outcome.stderr)")
            }
            #expect(try await snapshot(db) == before)

            let closed = try await loyalty(db, ["member", "close", number])
            #expect(closed.status == 0, "\(closed.stderr)")
            let afterClose = try await snapshot(db)
            let refused = try await loyalty(db, ["interaction", "add", number, "--kind", "note", "--channel", "web", "--summary", "y"])
            #expect(refused.status != 0 && refused.stderr.contains("Error: MEMBER_INACTIVE"), "\(refused.stderr)")
            #expect(try await snapshot(db) == afterClose)
            let history = try await loyalty(db, ["interaction", "list", number])
            #expect(history.status == 0 && history.stdout.contains(String(note)), "\(history.stderr)")
        }
    }

    @Test("followup add, list (default, --due, --owner, --member, --done) and done; a second done and bad input are refused")
    func followUps() async throws {
        try await withTestDatabase { db in
            let number = try await addMember(db)
            let added = try await loyalty(db, ["followup", "add", number, "--due", "today", "--owner", "bob", "--title", "Call back", "--format", "json"])
            #expect(added.status == 0, "\(added.stderr)")
            let id = try #require(try added.jsonObject()["id"] as? Int)
            let later = try await loyalty(db, ["followup", "add", number, "--due", "+3d", "--owner", "carol", "--title", "Send voucher"])
            #expect(later.status == 0, "\(later.stderr)")
            try await db.client.query(
                """
                insert into followups (member_id, due_on, owner, title, created_by)
                select id, (now() at time zone 'UTC')::date - 2, 'bob', 'Overdue one', 'test' from members
                """, logger: db.logger)

            let now = try await loyalty(db, ["followup", "list"])
            #expect(now.status == 0, "\(now.stderr)")
            #expect(now.stdout.contains("Call back") && now.stdout.contains("Overdue one") && !now.stdout.contains("Send voucher"))
            #expect(now.stdout.contains("(overdue)"))
            let week = try await loyalty(db, ["followup", "list", "--due", "week", "--owner", "carol", "--member", number])
            #expect(week.stdout.contains("Send voucher") && !week.stdout.contains("Call back"))

            let before = try await snapshot(db)
            let cases: [([String], String)] = [
                (["followup", "add", number, "--due", "2000-01-01", "--owner", "bob", "--title", "t"], "BAD_ARGUMENT"),
                (["followup", "add", number, "--due", "soon", "--owner", "bob", "--title", "t"], "BAD_ARGUMENT: due"),
                (["followup", "add", number, "--due", "today", "--owner", "", "--title", "t"], "BAD_ARGUMENT: owner"),
                (["followup", "add", number, "--due", "today", "--owner", "bob", "--title", "t", "--interaction", "99999"], "BAD_ARGUMENT"),
                (["followup", "list", "--due", "month"], "BAD_ARGUMENT: due"),
                (["followup", "done", "0"], "BAD_ARGUMENT: id"),
                (["followup", "done", "9999999"], "NOT_FOUND"),
            ]
            for (arguments, error) in cases {
                let outcome = try await loyalty(db, arguments)
                #expect(outcome.status != 0, "\(arguments)")
                #expect(outcome.stderr.contains("Error: \(error)"), "\(arguments): \(outcome.stderr)")
            }
            #expect(try await snapshot(db) == before)

            let done = try await loyalty(db, ["followup", "done", String(id), "--format", "json"])
            #expect(done.status == 0, "\(done.stderr)")
            #expect(try done.jsonObject()["done_by"] as? String == "alice")
            let afterDone = try await snapshot(db)
            let again = try await loyalty(db, ["followup", "done", String(id)])
            #expect(again.status != 0 && again.stderr.contains("Error: BAD_ARGUMENT"), "\(again.stderr)")
            #expect(try await snapshot(db) == afterDone)
            let doneList = try await loyalty(db, ["followup", "list", "--done"])
            #expect(doneList.stdout.contains("Call back") && !doneList.stdout.contains("Overdue one"))
        }
    }

    @Test("member show: the record with spendable points, purchases, open cases, due follow-ups and counts; JSON one object")
    func memberShow() async throws {
        try await withTestDatabase { db in
            let number = try await addMember(db)
            let earned = try await loyalty(db, ["points", "earn", number, "--amount", "12.50", "--currency", "EUR", "--receipt", "R-77"])
            #expect(earned.status == 0, "\(earned.stderr)")
            _ = try await loyalty(db, ["interaction", "add", number, "--kind", "complaint", "--channel", "phone", "--summary", "Broken cup"])
            _ = try await loyalty(db, ["followup", "add", number, "--due", "tomorrow", "--owner", "bob", "--title", "Call back"])

            let table = try await loyalty(db, ["member", "show", number])
            #expect(table.status == 0, "\(table.stderr)")
            for text in ["email consent", "spendable", "Recent purchases", "R-77", "12.50 EUR", "Broken cup", "Call back", "1 complaint"] {
                #expect(table.stdout.contains(text), "\(text) in \(table.stdout)")
            }
            let json = try await loyalty(db, ["member", "show", number, "--format", "json"])
            let object = try json.jsonObject()
            #expect(object["number"] as? String == number)
            #expect(object["spendable"] as? Int == 12)
            #expect((object["recent_purchases"] as? [[String: Any]])?.first?["receipt"] as? String == "R-77")
            #expect((object["open_cases"] as? [Any])?.count == 1)
            #expect((object["due_followups"] as? [Any])?.count == 1)
            #expect((object["interactions"] as? [String: Any])?["total"] as? Int == 1)
            #expect(object["gift_cards"] != nil)
            let csv = try await loyalty(db, ["member", "show", number, "--format", "csv"])
            #expect(csv.status == 0 && csv.stdout.split(separator: "\n").count == 2 && !csv.stdout.contains("Broken cup"), "\(csv.stdout)")
            let html = try await loyalty(db, ["member", "show", number, "--format", "html"])
            #expect(html.status == 0 && html.stdout.contains("Recent purchases"), "\(html.stderr)")
        }
    }

    @Test("member birthdays and jobs run birthdays: listed with consent, the bonus once, a dry run changes nothing; bad input refused")
    func birthdays() async throws {
        try await withTestDatabase { db in
            let today = try await db.dateText()
            let born = "1990" + today.dropFirst(4)
            let number = try await addMember(db, born: born == "1990-02-29" ? "1992-02-29" : born)
            let list = try await loyalty(db, ["member", "birthdays", "--within", "7d", "--format", "json"])
            #expect(list.status == 0, "\(list.stderr)")
            let rows = try #require(try list.json() as? [[String: Any]])
            #expect(rows.count == 1 && rows.first?["member"] as? String == number && rows.first?["in_days"] as? Int == 0)
            #expect(rows.first?["email_consent"] as? Bool == true)
            let anniversaries = try await loyalty(db, ["member", "birthdays", "--anniversaries", "--format", "json"])
            let noAnniversaries = try anniversaries.json() as? [Any]
            #expect(noAnniversaries?.isEmpty == true)

            let before = try await snapshot(db)
            for arguments in [["member", "birthdays", "--within", "0d"], ["member", "birthdays", "--within", "400d"],
                              ["member", "birthdays", "--within", "week"], ["jobs", "run", "birthdays", "--batch-size", "0"]] {
                let outcome = try await loyalty(db, arguments)
                #expect(outcome.status != 0 && outcome.stderr.contains("Error: BAD_ARGUMENT"), "\(arguments): \(outcome.stderr)")
            }
            let badSetting = try await loyalty(db, ["jobs", "run", "birthdays"], environment: ["LOYALTY_CRM_BIRTHDAY_BONUS_POINTS": "-5"])
            #expect(badSetting.status != 0 && badSetting.stderr.contains("Error: CONFIGURATION"), "\(badSetting.stderr)")
            let badCatchUp = try await loyalty(db, ["jobs", "run", "birthdays"], environment: ["LOYALTY_CRM_BIRTHDAY_CATCH_UP_DAYS": "32"])
            #expect(badCatchUp.status != 0 && badCatchUp.stderr.contains("Error: CONFIGURATION"), "\(badCatchUp.stderr)")
            let off = try await loyalty(db, ["jobs", "run", "birthdays", "--format", "json"])
            #expect(off.status == 0, "\(off.stderr)")
            #expect(try off.jsonObject()["granted"] as? Int == 0)
            let bonus = ["LOYALTY_CRM_BIRTHDAY_BONUS_POINTS": "25"]
            let dry = try await loyalty(db, ["jobs", "run", "birthdays", "--dry-run", "--format", "json"], environment: bonus)
            #expect(dry.status == 0, "\(dry.stderr)")
            #expect(try dry.jsonObject()["granted"] as? Int == 1)
            #expect(try await snapshot(db) == before)

            let run = try await loyalty(db, ["jobs", "run", "birthdays"], environment: bonus)
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.stdout.contains("granted") && run.stdout.contains("25"))
            let again = try await loyalty(db, ["jobs", "run", "birthdays", "--format", "json"], environment: bonus)
            #expect(try again.jsonObject()["granted"] as? Int == 0)
            let history = try await loyalty(db, ["points", "history", number])
            #expect(history.stdout.contains("bonus") && history.stdout.contains("birthday bonus"), "\(history.stdout)")
            #expect(try await db.scalar("select count(*)::int8 from audit_log where action = 'job.birthdays'") == 2)
        }
    }
}
