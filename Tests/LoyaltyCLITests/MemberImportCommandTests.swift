import Foundation
import LoyaltyCore
import LoyaltyStore
import LoyaltyTesting
import Testing

/// `loyalty member import` and `loyalty member export` against a test database, run as a separate process
/// (docs/member-import.md).
@Suite("Member import and export commands (PostgreSQL, subprocess)", .timeLimit(.minutes(6)))
struct MemberImportCommandTests {
    let admin = Origin.admin(actor: "test")

    /// Two good rows, a bad email, a bad consent value, two rows for one email, a formula-guarded name.
    static let file = """
        First Name,Last Name,E-Mail,Phone,Birth Date,City,Country,Email Consent,SMS Consent,Tags,Notes
        Ada,Lovelace,ada@example.com,0151 1234 5678,1815-12-10,London,GB,yes,no,vip;founder,first
        Grace,Hopper,grace@example.com,,,,US,1,,,"Navy, retired"
        Bad,Mail,not-an-email,,,,,,,,
        Bad,Consent,consent@example.com,,,,,maybe,,,
        Twin,One,twin@example.com,,,,,,,,
        Twin,Two,twin@example.com,,,,,,,,
        '=Eve,Formula,eve@example.com,,,,,no,,,

        """

    func run(_ db: TestDatabase, _ arguments: [String]) async throws -> LoyaltyProcess.Outcome {
        try await LoyaltyProcess.run(
            arguments,
            environment: [
                "LOYALTY_DATABASE_URL": db.url.redacted, "LOYALTY_ACTOR": "alice", "LOYALTY_PHONE_DEFAULT_REGION": "DE",
            ])
    }

    func fields(_ text: String) -> [String: String] {
        var fields: [String: String] = [:]
        for line in text.split(separator: "\n") {
            guard let range = line.range(of: "  ") else { continue }
            fields[String(line[..<range.lowerBound])] = line[range.upperBound...].trimmingCharacters(in: .whitespaces)
        }
        return fields
    }

    func write(_ text: String, to path: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    /// Every member as one line of text (all columns and the balance), by number.
    func snapshot(_ db: TestDatabase) async throws -> [String] {
        try await db.texts(
            "select row_to_json(m)::text || ' ' || a.balance from members m join point_accounts a on a.member_id = m.id order by m.number")
    }

    @Test("import: created, bad rows on stderr and in --rejects (new file), consent source import; again: all unchanged")
    func importFile() async throws {
        try await withTestDatabase { db in
            let directory = try makeTemporaryDirectory(prefix: "mi")
            let path = directory + "/members.csv"
            try write(Self.file, to: path)
            let rejects = directory + "/rejects.csv"
            let imported = try await run(db, ["member", "import", path, "--rejects", rejects, "--quiet"])
            #expect(imported.status == 0, "\(imported.stderr)")
            let summary = fields(imported.stdout)
            #expect(summary["rows"] == "7" && summary["created"] == "3" && summary["updated"] == "0", "\(imported.stdout)")
            #expect(summary["refused"] == "4" && summary["match"] == "email" && summary["dry run"] == "no")
            #expect(
                imported.stderr.split(separator: "\n").map(String.init) == [
                    "\(path): line 4: email: not an email address",
                    "\(path): line 5: email-consent: expected yes, no, true, false, 1 or 0",
                    "\(path): line 6: duplicate email in the file (lines 6, 7)",
                    "\(path): line 7: duplicate email in the file (lines 6, 7)",
                ], "\(imported.stderr)")
            #expect(
                try String(contentsOfFile: rejects, encoding: .utf8)
                    == """
                    line,reason
                    4,email: not an email address
                    5,"email-consent: expected yes, no, true, false, 1 or 0"
                    6,"duplicate email in the file (lines 6, 7)"
                    7,"duplicate email in the file (lines 6, 7)"

                    """)
            #expect(
                try await db.texts(
                    """
                    select first_name || ' ' || last_name || ' ' || email || ' ' || coalesce(phone, '-') || ' ' || coalesce(birth_date::text, '-')
                           || ' ' || coalesce(country, '-') || ' ' || email_consent || ' ' || sms_consent || ' ' || tags::text || ' ' || source_channel
                      from members order by email
                    """)
                    == [
                        "Ada Lovelace ada@example.com +4915112345678 1815-12-10 GB true false {founder,vip} import",
                        "=Eve Formula eve@example.com - - - false false {} import",
                        "Grace Hopper grace@example.com - - US true false {} import",
                    ])
            #expect(try await db.texts("select distinct source || ' ' || actor from consent_events") == ["import alice"])
            #expect(try await db.scalar("select count(*)::int8 from point_accounts") == 3)

            // The rejects file must be new: refused before anything is read.
            let again = try await run(db, ["member", "import", path, "--rejects", rejects, "--quiet"])
            #expect(again.status != 0 && again.stderr.contains("BAD_ARGUMENT"), "\(again.stderr)")
            #expect(try await db.scalar("select count(*)::int8 from audit_log where action = 'member.import'") == 1)

            let before = try await snapshot(db)
            let repeated = try await run(db, ["member", "import", path, "--quiet", "--format", "json"])
            #expect(repeated.status == 0, "\(repeated.stderr)")
            let object = try repeated.jsonObject()
            #expect(object["created"] as? Int == 0 && object["updated"] as? Int == 0 && object["unchanged"] as? Int == 3, "\(repeated.stdout)")
            #expect((object["problems"] as? [Any])?.count == 4)
            #expect(try await snapshot(db) == before)
        }
    }

    @Test("--dry-run prints what a real run then does and changes nothing; --no-update refuses matches")
    func dryRun() async throws {
        try await withTestDatabase { db in
            let directory = try makeTemporaryDirectory(prefix: "md")
            let path = directory + "/members.csv"
            try write("email,first_name,last_name\nada@example.com,Augusta,King\nnew@example.com,New,Person\n", to: path)
            _ = try await db.newMember("Ada", "Lovelace", email: "ada@example.com")
            let before = try await snapshot(db)
            let audits = try await db.scalar("select count(*)::int8 from audit_log")

            let dry = try await run(db, ["member", "import", path, "--dry-run"])
            #expect(dry.status == 0, "\(dry.stderr)")
            let planned = fields(dry.stdout)
            #expect(planned["dry run"] == "yes (nothing changed)" && planned["created"] == "1" && planned["updated"] == "1", "\(dry.stdout)")
            #expect(try await snapshot(db) == before)
            #expect(try await db.scalar("select count(*)::int8 from audit_log") == audits)

            let noUpdate = try await run(db, ["member", "import", path, "--no-update", "--rejects", directory + "/r.csv"])
            #expect(noUpdate.status == 0, "\(noUpdate.stderr)")
            #expect(fields(noUpdate.stdout)["created"] == "1" && fields(noUpdate.stdout)["refused"] == "1")
            #expect(noUpdate.stderr.contains("line 2: already a member (--no-update)"), "\(noUpdate.stderr)")
            #expect(try await db.texts("select first_name from members where email = 'ada@example.com'") == ["Ada"])
        }
    }

    @Test("--match phone and external-id with --map; a file without the key column is refused and changes nothing")
    func otherKeys() async throws {
        try await withTestDatabase { db in
            let directory = try makeTemporaryDirectory(prefix: "mk")
            let path = directory + "/crm.csv"
            try write("Kundennummer,Vorname,Nachname,Telefon\nK-1,Ada,Lovelace,030 1234567\n", to: path)
            let map = "external-id=Kundennummer,first-name=Vorname,last-name=Nachname,phone=Telefon"
            let created = try await run(db, ["member", "import", path, "--match", "external-id", "--map", map])
            #expect(created.status == 0 && fields(created.stdout)["created"] == "1", "\(created.stdout) \(created.stderr)")
            try write("Kundennummer,Vorname,Nachname,Telefon\nK-2,Augusta,,+49 30 1234567\n", to: path)
            let updated = try await run(db, ["member", "import", path, "--match", "phone", "--map", map])
            #expect(updated.status == 0 && fields(updated.stdout)["updated"] == "1", "\(updated.stdout) \(updated.stderr)")
            #expect(try await db.texts("select first_name || ' ' || last_name || ' ' || external_id || ' ' || phone from members") == ["Augusta Lovelace K-2 +49301234567"])

            // A quote opened in the header and never closed: the header line cannot be read as CSV.
            let brokenHeader = directory + "/broken.csv"
            try write("\"Kundennummer,Vorname,Nachname,Telefon\nK-3,Ada,Byron,030 7654321\n", to: brokenHeader)
            let before = try await snapshot(db)
            for (arguments, message) in [
                (["member", "import", path, "--match", "email", "--map", map], "email"),
                (["member", "import", path, "--match", "number"], "match: email, phone or external-id"),
                (["member", "import", path, "--map", "nickname=Vorname"], "nickname"),
                (["member", "import", directory + "/missing.csv"], "cannot read"),
                (["member", "import", brokenHeader, "--match", "external-id", "--map", map], "the header line cannot be read"),
            ] {
                let refused = try await run(db, arguments)
                #expect(refused.status != 0 && refused.stderr.hasPrefix("Error: BAD_ARGUMENT: "), "\(arguments): \(refused.stderr)")
                #expect(refused.stderr.contains(message), "\(arguments): \(refused.stderr)")
            }
            #expect(try await snapshot(db) == before)
            #expect(try await db.scalar("select count(*)::int8 from audit_log where action = 'member.import'") == 2)
        }
    }

    @Test("export: segment filters, closed only with --include-closed, erased members carry no data, --out 0600, json; audited")
    func export() async throws {
        try await withTestDatabase { db in
            let directory = try makeTemporaryDirectory(prefix: "me")
            let store = db.store
            _ = try await store.enroll(
                NewMember(firstName: "Ada", lastName: "Lovelace", email: try EmailAddress(parsing: "ada@example.com"), emailConsent: true,
                          tags: ["vip"]), origin: admin)
            _ = try await store.enroll(NewMember(firstName: "Grace", lastName: "Hopper", tags: ["vip"]), origin: admin)
            let closed = try await store.enroll(NewMember(firstName: "Old", lastName: "Member", tags: ["vip"]), origin: admin)
            let erased = try await store.enroll(NewMember(firstName: "Gone", lastName: "Person", externalID: "E-1"), origin: admin)
            _ = try await store.setMemberStatus(.number(try MemberNumber(parsing: closed.member)), to: .closed, reason: nil, actor: "t")
            _ = try await store.eraseMember(.number(try MemberNumber(parsing: erased.member)), reason: "request", actor: "t")

            let vip = try await run(db, ["member", "export", "--tag", "vip"])
            #expect(vip.status == 0, "\(vip.stderr)")
            let lines = vip.stdout.split(separator: "\n").map(String.init)
            #expect(lines.first == MemberExportRow.csvColumns.joined(separator: ","))
            #expect(lines.count == 3 && lines[1].contains(",Ada,Lovelace,ada@example.com,") && lines[2].contains(",Grace,Hopper,"), "\(vip.stdout)")
            #expect(lines[1].contains(",yes,") && lines[1].contains(",vip,0,"))
            #expect(vip.stderr == "Exported 2 members.\n")

            let consenting = try await run(db, ["member", "export", "--tag", "vip", "--consent", "email", "--format", "json"])
            #expect(consenting.status == 0, "\(consenting.stderr)")
            let rows = try #require(try consenting.json() as? [[String: Any]])
            #expect(rows.count == 1 && rows.first?["email"] as? String == "ada@example.com" && rows.first?["email_consent"] as? Bool == true)

            let out = directory + "/all.csv"
            let all = try await run(db, ["member", "export", "--include-closed", "--out", out])
            #expect(all.status == 0, "\(all.stderr)")
            let written = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n").map(String.init)
            #expect(written.count == 5)
            let gone = try #require(written.first { $0.hasPrefix(erased.member) })
            #expect(gone.hasPrefix("\(erased.member),erased,,,,,,,,,,,,,,,,,,,,0,,"), "\(gone)")
            #expect(!written.joined().contains("Gone") && !written.joined().contains("E-1"))
            #expect(written.contains { $0.hasPrefix("\(closed.member),closed,Old,Member,") })
            let mode = try #require(try FileManager.default.attributesOfItem(atPath: out)[.posixPermissions] as? NSNumber)
            #expect(mode.intValue & 0o777 == 0o600)
            let clash = try await run(db, ["member", "export", "--out", out])
            #expect(clash.status != 0 && clash.stderr.contains("BAD_ARGUMENT"))
            let html = try await run(db, ["member", "export", "--format", "html"])
            #expect(html.status != 0 && html.stderr.contains("BAD_ARGUMENT"))
            let badFilter = try await run(db, ["member", "export", "--lapse", "sleepy"])
            #expect(badFilter.status != 0 && badFilter.stderr.contains("BAD_ARGUMENT"))

            let audits = try await db.texts(
                "select actor || ' ' || (details ->> 'members') || ' ' || (details ->> 'include_closed') || ' ' || (details -> 'filter')::text from audit_log where action = 'member.export' order by id")
            #expect(audits == ["alice 2 false {\"tags\": [\"vip\"]}", "alice 1 false {\"tags\": [\"vip\"], \"consent\": [\"email\"]}", "alice 4 true {}"])
        }
    }

    @Test("round trip: an export imports back and changes nothing (by email and by external id)")
    func roundTrip() async throws {
        try await withTestDatabase { db in
            let directory = try makeTemporaryDirectory(prefix: "mr")
            let store = db.store
            let ada = NewMember(
                firstName: "=Ada", lastName: "Lovelace, Countess", email: try EmailAddress(parsing: "+ada@example.com"),
                phone: try PhoneNumber(parsing: "+44 20 7946 0958", defaultRegion: .unitedStates),
                birthDate: try CalendarDate(year: 1815, month: 12, day: 10), emailConsent: true, smsConsent: true,
                address: PostalAddress(line1: "12 \"Analytical\" St", line2: "Flat 2", postalCode: "W1", city: "London", country: "GB"),
                preferredStore: "london-1", sourceChannel: "web", sourceCampaign: "launch", externalID: "C-1", tags: ["vip", "founder"])
            _ = try await store.enroll(ada, origin: admin)
            _ = try await store.enroll(
                NewMember(firstName: "Grace", lastName: "Hopper", email: try EmailAddress(parsing: "grace@example.com"), externalID: "C-2"),
                origin: admin)
            let before = try await snapshot(db)
            let events = try await db.scalar("select count(*)::int8 from consent_events")

            let out = directory + "/members.csv"
            #expect(try await run(db, ["member", "export", "--out", out]).status == 0)
            for key in ["email", "external-id"] {
                let imported = try await run(db, ["member", "import", out, "--match", key])
                #expect(imported.status == 0, "\(imported.stderr)")
                let summary = fields(imported.stdout)
                #expect(summary["unchanged"] == "2" && summary["created"] == "0" && summary["updated"] == "0", "\(key): \(imported.stdout)")
                #expect(summary["refused"] == "0" && imported.stderr.isEmpty, "\(imported.stderr)")
                #expect(try await snapshot(db) == before)
            }
            #expect(try await db.scalar("select count(*)::int8 from consent_events") == events)
        }
    }
}
