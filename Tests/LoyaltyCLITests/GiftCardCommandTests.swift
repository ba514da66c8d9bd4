import Foundation
import LoyaltyCore
import LoyaltyStore
import LoyaltyTesting
import Testing

/// `loyalty giftcard …`, `loyalty report gift-…` and `loyalty jobs run giftcards` against a test database
/// given by URL, run as a separate process, with the installation key in a file of the test's own.
@Suite("Gift card commands (PostgreSQL, subprocess)", .timeLimit(.minutes(6)))
struct GiftCardCommandTests {
    /// The rows of a codes file, split at commas, header first.
    func rows(_ path: String) throws -> [[String]] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
            .map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    }

    func snapshot(_ db: TestDatabase) async throws -> [Int64] {
        [
            try await db.scalar("select count(*)::int8 from audit_log"),
            try await db.scalar("select count(*)::int8 from gift_card_batches"),
            try await db.scalar("select coalesce(sum(hashtext(c::text)), 0)::int8 from gift_cards c"),
            try await db.scalar("select count(*)::int8 from gift_card_activities"),
        ]
    }

    @Test("giftcard issue writes the codes once to a new 0600 CSV, prints none; the codes work; bad input changes nothing")
    func issue() async throws {
        try await withTestDatabase { db in
            let directory = try makeTemporaryDirectory(prefix: "gc")
            let keyFile = directory + "/secret.key"
            let run = { (arguments: [String]) in try await loyalty(db, keyFile: keyFile, arguments) }
            let out = directory + "/cards.csv"
            let issued = try await run([
                "giftcard", "issue", "--count", "3", "--amount", "25", "--currency", "eur", "--pin", "--note", "corporate ACME",
                "--out", out, "--format", "json",
            ])
            #expect(issued.status == 0, "\(issued.stderr)")
            let summary = try issued.jsonObject()
            #expect(summary["batch"] as? Int == 1 && summary["cards"] as? Int == 3 && summary["amount"] as? Int == 2500)
            #expect((try FileManager.default.attributesOfItem(atPath: out)[.posixPermissions] as? Int) == 0o600)
            let lines = try rows(out)
            #expect(lines.first == ["code", "pin", "amount", "currency", "expires", "batch"])
            #expect(lines.count == 4)
            let codes = try lines.dropFirst().map { try GiftCardCode(parsing: $0[0]) }
            #expect(Set(codes).count == 3)
            #expect(lines.dropFirst().allSatisfy { $0[1].count == 6 && $0[2] == "25.00" && $0[3] == "EUR" && $0[4] == "" && $0[5] == "1" })
            for code in codes { #expect(!issued.stdout.contains(code.grouped) && !issued.stdout.contains(code.canonical)) }

            let store = try LoyaltyCLITests.store(db, keyFile: keyFile)
            let (terminal, _) = try await store.addTerminal(name: "till-1", storeCode: "S1", actor: "t")
            let first = try #require(lines.dropFirst().first)
            let balance = try await store.giftCardBalance(codes[0], pin: try GiftCardPIN(parsing: first[1]), terminal: terminal.id)
            #expect(balance.balance == 2500 && balance.state == "active" && balance.currency == "EUR")

            let printed = directory + "/printed.csv"
            let inactive = try await run([
                "giftcard", "issue", "--count", "2", "--currency", "JPY", "--inactive", "--expires", "2099-12-31", "--out", printed,
            ])
            #expect(inactive.status == 0, "\(inactive.stderr)")
            #expect(inactive.stdout.contains("The codes are only in \(printed)"))
            let printedLines = try rows(printed)
            #expect(printedLines.dropFirst().allSatisfy { $0[1] == "" && $0[2] == "" && $0[3] == "JPY" && $0[4] == "2099-12-31" && $0[5] == "2" })
            let card = try await store.giftCardBalance(try GiftCardCode(parsing: printedLines[1][0]), pin: nil, terminal: terminal.id)
            #expect(card.state == "inactive" && card.balance == 0)
            #expect(try await db.scalar("select count(*)::int8 from audit_log where action = 'giftcard.issue' and actor = 'alice'") == 2)

            let before = try await snapshot(db)
            let refused = directory + "/refused.csv"
            let refusals: [([String], String)] = [
                (["giftcard", "issue", "--count", "1", "--amount", "5", "--currency", "EUR", "--out", out], "Error: BAD_ARGUMENT: \(out) exists"),
                (["giftcard", "issue", "--count", "0", "--amount", "5", "--currency", "EUR", "--out", refused], "Error: BAD_ARGUMENT: count:"),
                (["giftcard", "issue", "--count", "1", "--currency", "EUR", "--out", refused], "Error: BAD_ARGUMENT: amount:"),
                (["giftcard", "issue", "--count", "1", "--amount", "5.001", "--currency", "EUR", "--out", refused], "Error: BAD_ARGUMENT: amount:"),
                (["giftcard", "issue", "--count", "1", "--amount", "5", "--currency", "XXX", "--out", refused], "Error: BAD_ARGUMENT: currency:"),
                (["giftcard", "issue", "--count", "1", "--amount", "5", "--currency", "EUR", "--expires", "2001-01-01", "--out", refused],
                 "Error: BAD_ARGUMENT: expires: 2001-01-01 has passed"),
                (["giftcard", "issue", "--count", "1", "--amount", "5", "--currency", "EUR"], "Error: MISSING_ARGUMENT: missing argument --out"),
                (["giftcard", "issue", "--amount", "5", "--currency", "EUR", "--out", refused], "Error: MISSING_ARGUMENT: missing argument --count"),
            ]
            for (arguments, prefix) in refusals {
                let outcome = try await run(arguments)
                #expect(outcome.status != 0, "\(arguments)")
                #expect(outcome.stderr.split(separator: "\n").count == 1, "\(arguments): \(outcome.stderr)")
                #expect(outcome.stderr.hasPrefix(prefix), "\(arguments): \(outcome.stderr)")
            }
            #expect(!FileManager.default.fileExists(atPath: refused))
            #expect(try await snapshot(db) == before)
        }
    }

    @Test("giftcard show, adjust, block, unblock, link, unlink, close, history; member show lists cards; refusals; audited")
    func administer() async throws {
        try await withTestDatabase { db in
            let directory = try makeTemporaryDirectory(prefix: "gc")
            let keyFile = directory + "/secret.key"
            let run = { (arguments: [String]) in try await loyalty(db, keyFile: keyFile, arguments) }
            let out = directory + "/cards.csv"
            #expect(try await run(["giftcard", "issue", "--count", "2", "--amount", "25", "--currency", "EUR", "--out", out]).status == 0)
            let code = try GiftCardCode(parsing: try rows(out)[1][0])
            let byLast4 = ["--batch", "1", "--last4", code.last4.lowercased()]

            let shown = try await run(["giftcard", "show", code.grouped.lowercased(), "--format", "json"])
            #expect(shown.status == 0, "\(shown.stderr)")
            let card = try shown.jsonObject()
            #expect(card["last4"] as? String == code.last4 && card["state"] as? String == "active" && card["balance"] as? Int == 2500)
            #expect(card["pin"] as? Bool == false && card["batch"] as? Int == 1 && card["issued_by"] as? String == "alice")
            #expect(!shown.stdout.contains(code.canonical))
            let table = try await run(["giftcard", "show"] + byLast4)
            #expect(table.stdout.contains("…\(code.last4)") && table.stdout.contains("25.00"), "\(table.stdout)\(table.stderr)")

            let ada = try #require(
                try await run(["member", "add", "--first-name", "Ada", "--last-name", "Test", "--format", "json"]).jsonObject()["number"] as? String)
            let before = try await snapshot(db)
            let refusals: [([String], String)] = [
                (["giftcard", "adjust"] + byLast4 + ["--amount", "-30", "--reason", "typo"],
                 "Error: INSUFFICIENT_FUNDS: the gift card has 25.00 EUR available; taking 30.00 EUR off would overdraw it"),
                (["giftcard", "adjust"] + byLast4 + ["--amount", "+5"], "Error: MISSING_ARGUMENT: missing argument --reason"),
                (["giftcard", "adjust"] + byLast4 + ["--amount", "0", "--reason", "x"], "Error: BAD_ARGUMENT: amount:"),
                (["giftcard", "adjust"] + byLast4 + ["--reason", "x"], "Error: MISSING_ARGUMENT: missing argument --amount"),
                (["giftcard", "block"] + byLast4 + ["--reason", " "], "Error: BAD_ARGUMENT: reason: must not be empty"),
                (["giftcard", "unblock"] + byLast4 + ["--reason", "x"], "Error: CARD_ACTIVE: the gift card is already active"),
                (["giftcard", "show", "--batch", "1"], "Error: MISSING_ARGUMENT: missing argument --last4"),
                (["giftcard", "show", "--batch", "2", "--last4", code.last4], "Error: NOT_FOUND: no gift card ending in \(code.last4) in batch 2"),
                (["giftcard", "show", "--batch", "1", "--last4", "OOOO"], "Error: BAD_ARGUMENT: last4:"),
                (["giftcard", "show", "2222-2222-2222-2223"], "Error: BAD_ARGUMENT: card: the code's check character is wrong"),
                (["giftcard", "show"], "Error: MISSING_ARGUMENT: missing argument CARD"),
                (["giftcard", "link"] + byLast4 + [MemberNumber(sequence: 999_999_998).digits], "Error: NOT_FOUND: no member with this"),
                (["giftcard", "void-batch", "1"], "Error: MISSING_ARGUMENT: missing argument --reason"),
                (["giftcard", "void-batch", "1", "--reason", "misprint"], "Error: BAD_ARGUMENT: 2 cards of batch 1 were sold"),
                (["giftcard", "void-batch", "x", "--reason", "misprint"], "Error: BAD_ARGUMENT: batch:"),
            ]
            for (arguments, prefix) in refusals {
                let outcome = try await run(arguments)
                #expect(outcome.status != 0, "\(arguments)")
                #expect(outcome.stderr.split(separator: "\n").count == 1, "\(arguments): \(outcome.stderr)")
                #expect(outcome.stderr.hasPrefix(prefix), "\(arguments): \(outcome.stderr)")
            }
            #expect(try await snapshot(db) == before)

            let adjusted = try await run(["giftcard", "adjust"] + byLast4 + ["--amount", "+5.50", "--reason", "goodwill", "--format", "json"])
            #expect(adjusted.status == 0, "\(adjusted.stderr)")
            #expect(try adjusted.jsonObject()["balance"] as? Int == 3050)
            let blocked = try await run(["giftcard", "block", code.grouped, "--reason", "stolen", "--format", "json"])
            #expect(try blocked.jsonObject()["state"] as? String == "blocked")
            let again = try await run(["giftcard", "block", code.grouped, "--reason", "stolen"])
            #expect(again.stderr == "Error: CARD_BLOCKED: the gift card is blocked\n")
            #expect(try await run(["giftcard", "unblock", code.grouped, "--reason", "found"]).status == 0)

            let linked = try await run(["giftcard", "link"] + byLast4 + [ada, "--format", "json"])
            #expect(try linked.jsonObject()["member"] as? String == ada, "\(linked.stderr)")
            let member = try await run(["member", "show", ada])
            #expect(member.stdout.contains("gift cards") && member.stdout.contains("…\(code.last4) active 30.50 EUR"), "\(member.stdout)")
            let memberJSON = try await run(["member", "show", ada, "--format", "json"])
            let cards = try #require(try memberJSON.jsonObject()["gift_cards"] as? [[String: Any]])
            #expect(cards.count == 1 && cards.first?["last4"] as? String == code.last4 && cards.first?["balance"] as? Int == 3050)
            #expect(try await run(["giftcard", "unlink", code.grouped]).status == 0)
            let unlinked = try await run(["member", "show", ada, "--format", "csv"])
            #expect(unlinked.stdout.split(separator: "\n").last?.hasSuffix(",none") == true, "\(unlinked.stdout)")

            let closed = try await run(["giftcard", "close"] + byLast4 + ["--reason", "cash-out", "--format", "json"])
            #expect(try closed.jsonObject()["state"] as? String == "closed" && (try closed.jsonObject()["balance"] as? Int) == 0)
            let twice = try await run(["giftcard", "close"] + byLast4 + ["--reason", "cash-out"])
            #expect(twice.stderr == "Error: CARD_CLOSED: the gift card is closed\n")

            let history = try await run(["giftcard", "history", code.grouped, "--format", "csv"])
            let lines = history.stdout.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
            #expect(lines.first == ["id", "at", "kind", "amount", "balance", "held", "origin", "receipt", "reason"])
            #expect(lines.dropFirst().map { $0[2] } == ["activate", "adjust", "block", "unblock", "close"])
            #expect(lines.dropFirst().map { $0[3] } == ["25.00", "5.50", "0.00", "0.00", "-30.50"])
            #expect(lines.dropFirst().map { $0[4] } == ["25.00", "30.50", "30.50", "30.50", "0.00"])
            #expect(lines.dropFirst().map { $0[6] } == ["alice", "alice", "alice", "alice", "alice"])
            #expect(lines.last?[8] == "cash-out")
            #expect(
                try await db.scalar(
                    """
                    select count(*)::int8 from audit_log where actor = 'alice'
                       and action in ('giftcard.adjust', 'giftcard.block', 'giftcard.unblock', 'giftcard.link', 'giftcard.unlink',
                                      'giftcard.close')
                    """) == 6)

            // Four characters shared by two cards of the batch: the candidates are listed, and --id picks one.
            try await db.client.query(
                "insert into gift_cards (batch_id, code_hash, code_last4, currency) values (1, sha256('x'::bytea), \(code.last4), 'EUR')",
                logger: db.logger)
            let ambiguous = try await run(["giftcard", "show"] + byLast4)
            #expect(ambiguous.stderr.hasPrefix("Error: BAD_ARGUMENT: 2 gift cards of the batch end in these four characters (ids 1, 3)"))
            let byID = try await run(["giftcard", "show", "--id", "3", "--format", "json"])
            #expect(try byID.jsonObject()["state"] as? String == "inactive")
        }
    }

    @Test("batches, void-batch, jobs run giftcards and the reports, in table, CSV and JSON")
    func batchesJobAndReports() async throws {
        try await withTestDatabase { db in
            let directory = try makeTemporaryDirectory(prefix: "gc")
            let keyFile = directory + "/secret.key"
            let run = { (arguments: [String]) in try await loyalty(db, keyFile: keyFile, arguments) }
            #expect(
                try await run(["giftcard", "issue", "--count", "2", "--amount", "10", "--currency", "EUR", "--inactive", "--out", directory + "/a.csv"])
                    .status == 0)
            #expect(try await run(["giftcard", "issue", "--count", "1", "--amount", "20", "--currency", "EUR", "--out", directory + "/b.csv"]).status == 0)
            // A batch past its last day, as if issued long ago (the CLI refuses a date that has passed).
            let store = try LoyaltyCLITests.store(db, keyFile: keyFile)
            let yesterday = try CalendarDate(parsing: try await db.dateText(daysFromToday: -1))
            _ = try await store.issueGiftCards(try NewGiftCardBatch(count: 1, currency: .euro, amount: 3000, expires: yesterday), actor: "bob")

            let batches = try await run(["giftcard", "batches", "--format", "json"])
            let list = try #require(try batches.json() as? [[String: Any]])
            #expect(list.map { $0["issued"] as? Int } == [2, 1, 1] && list.map { $0["activated"] as? Int } == [0, 1, 1])
            #expect(list.map { $0["outstanding"] as? Int } == [0, 2000, 0] && list.map { $0["loaded"] as? Int } == [0, 2000, 3000])
            let report = try await run(["report", "gift-batches", "--format", "csv"])
            #expect(report.stdout.split(separator: "\n").first == "batch,currency,amount,issued,activated,loaded,outstanding,expires,pin,status,issued by,issued at,note")
            #expect(report.stdout.split(separator: "\n").count == 4)

            let liability = try await run(["report", "gift-liability", "--format", "csv"])
            #expect(liability.stdout == "currency,cards,balance,held\nEUR,1,20.00,0.00\n", "\(liability.stdout)\(liability.stderr)")
            let month = String(try await db.dateText().prefix(7))
            let pending = try await run(["report", "gift-breakage", "--format", "csv"])
            #expect(pending.stdout == "currency,month,status,cards,amount\nEUR,\(month),pending,1,30.00\n", "\(pending.stdout)\(pending.stderr)")

            let job = try await run(["jobs", "run", "giftcards", "--format", "json"])
            #expect(job.status == 0, "\(job.stderr)")
            #expect(try job.jsonObject()["expired"] as? Int == 1 && (try job.jsonObject()["released"] as? Int) == 0)
            let second = try await run(["jobs", "run", "giftcards"])
            #expect(second.stdout.contains("expired   0"), "\(second.stdout)")
            #expect(try await db.scalar("select count(*)::int8 from audit_log where action = 'job.giftcards' and actor = 'alice'") == 2)
            let breakage = try await run(["report", "gift-breakage", "--format", "json"])
            let rows = try #require(try breakage.json() as? [[String: Any]])
            #expect(rows.count == 1 && rows.first?["status"] as? String == "expired" && rows.first?["amount"] as? Int == 3000)
            #expect(rows.first?["month"] as? String == month && rows.first?["cards"] as? Int == 1)

            let today = try await db.dateText()
            let activity = try await run(["report", "gift-activity", "--from", today, "--to", today, "--format", "csv"])
            #expect(
                activity.stdout
                    == "day,store,currency,kind,count,amount,held\n\(today),,EUR,activate,2,50.00,0.00\n\(today),,EUR,expire,1,-30.00,0.00\n",
                "\(activity.stdout)\(activity.stderr)")
            let none = try await run(["report", "gift-activity", "--store", "S9"])
            #expect(none.stdout.contains("(none)"))
            let backwards = try await run(["report", "gift-activity", "--from", "2026-02-01", "--to", "2026-01-01"])
            #expect(backwards.stderr == "Error: BAD_ARGUMENT: to: the last day comes before the first\n")

            let voided = try await run(["giftcard", "void-batch", "1", "--reason", "misprint"])
            #expect(voided.status == 0 && voided.stdout.contains("Batch 1 voided: 2 cards closed."), "\(voided.stdout)\(voided.stderr)")
            let twice = try await run(["giftcard", "void-batch", "1", "--reason", "misprint"])
            #expect(twice.status != 0 && twice.stderr.hasPrefix("Error: ALREADY_EXISTS: batch 1 was voided on"))
            let sold = try await run(["giftcard", "void-batch", "2", "--reason", "recall"])
            #expect(sold.stderr == "Error: BAD_ARGUMENT: 1 cards of batch 2 were sold; void with --force to close them too\n")
            let forced = try await run(["giftcard", "void-batch", "2", "--reason", "recall", "--force", "--format", "json"])
            #expect(forced.status == 0, "\(forced.stderr)")
            #expect((try forced.json() as? [[String: Any]])?.first?["voided_by"] as? String == "alice")
            let after = try await run(["report", "gift-liability", "--format", "json"])
            #expect((try after.json() as? [Any])?.isEmpty == true)
            #expect(try await db.scalar("select count(*)::int8 from audit_log where action = 'giftcard.void-batch'") == 2)
        }
    }
}
