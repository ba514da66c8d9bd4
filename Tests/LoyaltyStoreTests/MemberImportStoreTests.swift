import Foundation
import LoyaltyCore
import LoyaltyStore
import LoyaltyTestSupport
import LoyaltyTesting
import PostgresNIO
import Testing

/// `importMembers`: validated rows merged into members in one transaction (docs/member-import.md).
@Suite("Member imports (PostgreSQL)", .timeLimit(.minutes(6)))
struct MemberImportStoreTests {
    /// A row with the given line, email, names and external id.
    func row(
        _ line: Int, email: String? = nil, phone: String? = nil, first: String? = nil, last: String? = nil, external: String? = nil
    ) throws -> MemberImportRow {
        var row = MemberImportRow(line: line)
        row.email = try email.map { try EmailAddress(parsing: $0) }
        row.phone = try phone.map { try PhoneNumber(parsing: $0, defaultRegion: .unitedStates) }
        row.firstName = first
        row.lastName = last
        row.externalID = external
        return row
    }

    /// Copies `rows` as the reader would and merges them.
    func importRows(
        _ db: TestDatabase, _ rows: [MemberImportRow], match: MemberImportKey = .email, update: Bool = true, dryRun: Bool = false,
        skipped: Int = 0
    ) async throws -> MemberImportResult {
        try await db.store.importMembers(file: "members.csv", match: match, update: update, dryRun: dryRun, actor: "alice") { writer in
            try await writer.write(rows)
            return MemberImportTally(sha256: Array(repeating: 7, count: 32), rows: rows.count + skipped, skippedRows: skipped)
        }
    }

    /// Every member as one line of text, by number: what a test compares before and after.
    func snapshot(_ db: TestDatabase) async throws -> [String] {
        try await db.texts(
            """
            select m.number || ' ' || row_to_json(m)::text || ' ' || coalesce(a.balance::text, 'no account')
              from members m left join point_accounts a on a.member_id = m.id order by m.number
            """)
    }

    @Test("rows without a match create members with a point account, source 'import' unless given; audited without personal values",
          arguments: MemberImportKey.allCases)
    func create(key: MemberImportKey) async throws {
        try await withTestDatabase { db in
            var ada = try row(2, email: "ada@example.com", phone: "+1 415 555 0101", first: "Ada", last: "Lovelace", external: "C1")
            ada.tags = ["vip"]
            ada.country = "GB"
            var grace = try row(3, email: "grace@example.com", phone: "+1 415 555 0102", first: "Grace", last: "Hopper", external: "C2")
            grace.sourceChannel = "event"
            let result = try await importRows(db, [ada, grace], match: key, skipped: 1)
            #expect(result.created == 2 && result.updated == 0 && result.unchanged == 0 && result.problems.isEmpty)
            #expect(result.rows == 3 && result.skippedRows == 1 && !result.dryRun && result.match == key)
            #expect(
                try await db.texts(
                    """
                    select m.first_name || ' ' || m.email || ' ' || m.phone || ' ' || m.external_id || ' ' || m.source_channel || ' '
                           || m.tags::text || ' ' || coalesce(m.country, '-') || ' ' || m.status || ' ' || a.balance
                      from members m join point_accounts a on a.member_id = m.id order by m.number
                    """)
                    == [
                        "Ada ada@example.com +14155550101 C1 import {vip} GB active 0",
                        "Grace grace@example.com +14155550102 C2 event {} - active 0",
                    ])
            let audit = try await db.texts("select actor || ' ' || action || ' ' || subject || ' ' || details::text from audit_log")
            #expect(audit.count == 1)
            let details = try #require(audit.first)
            #expect(details.hasPrefix("alice member.import members.csv "))
            #expect(details.contains("\"created\": 2") && details.contains("\"rows\": 3") && details.contains("\"skipped_rows\": 1"))
            #expect(details.contains("\"match\": \"\(key.rawValue)\""))
            #expect(!details.contains("ada") && !details.contains("Lovelace") && !details.contains("555"))
        }
    }

    @Test("a matching row updates the fields it gives; absent fields keep their values; equal values count as unchanged",
          arguments: MemberImportKey.allCases)
    func update(key: MemberImportKey) async throws {
        try await withTestDatabase { db in
            var original = NewMember(
                firstName: "Ada", lastName: "Lovelace", email: try EmailAddress(parsing: "ada@example.com"),
                phone: try PhoneNumber(parsing: "+1 415 555 0101", defaultRegion: .unitedStates),
                birthDate: try CalendarDate(year: 1815, month: 12, day: 10), address: PostalAddress(city: "London"),
                sourceChannel: "web", externalID: "C1", tags: ["old"])
            original.preferredStore = "london-1"
            _ = try await db.store.enroll(original, origin: admin)
            _ = try await db.store.enroll(NewMember(firstName: "Bob", lastName: "Same", email: try EmailAddress(parsing: "bob@example.com"),
                                                    phone: try PhoneNumber(parsing: "+1 415 555 0109", defaultRegion: .unitedStates),
                                                    externalID: "C9"), origin: admin)
            let before = try await db.texts("select updated_at::text from members where external_id = 'C9'")

            var change = try row(5, email: "ada@example.com", phone: "+1 415 555 0101", last: "King", external: "C1")
            change.city = "Ockham"
            change.tags = ["new", "vip"]
            // Bob's row gives only what he has: unchanged.
            let same = try row(6, email: "bob@example.com", phone: "+1 415 555 0109", first: "Bob", external: "C9")
            let result = try await importRows(db, [change, same], match: key)
            #expect(result.created == 0 && result.updated == 1 && result.unchanged == 1 && result.problems.isEmpty, "\(result)")
            #expect(
                try await db.texts(
                    """
                    select first_name || ' ' || last_name || ' ' || birth_date || ' ' || city || ' ' || preferred_store || ' '
                           || source_channel || ' ' || tags::text
                      from members where external_id = 'C1'
                    """) == ["Ada King 1815-12-10 Ockham london-1 web {new,vip}"])
            #expect(try await db.texts("select updated_at::text from members where external_id = 'C9'") == before)
            #expect(try await db.scalar("select count(*)::int8 from members") == 2)
        }
    }

    @Test("matching by email or phone ignores closed members (a new member is created); by external id a closed member refuses")
    func closedMembers() async throws {
        try await withTestDatabase { db in
            let closed = try await db.store.enroll(
                NewMember(firstName: "Old", lastName: "Record", email: try EmailAddress(parsing: "old@example.com"), externalID: "C1"),
                origin: admin)
            _ = try await db.store.setMemberStatus(.number(try MemberNumber(parsing: closed.member)), to: .closed, reason: nil, actor: "t")
            let byEmail = try await importRows(db, [try row(2, email: "old@example.com", first: "New", last: "Record")])
            #expect(byEmail.created == 1 && byEmail.updated == 0)
            let byExternal = try await importRows(db, [try row(2, first: "New", last: "Record", external: "C1")], match: .externalID)
            #expect(byExternal.created == 0 && byExternal.problems == [.init(line: 2, reason: "external-id belongs to a closed member")])
            #expect(try await db.scalar("select count(*)::int8 from members") == 2)
        }
    }

    @Test("two rows for the same key, or sharing an email, phone or external id, are all refused; the other rows are applied")
    func duplicatesInFile() async throws {
        try await withTestDatabase { db in
            let rows = [
                try row(2, email: "a@example.com", first: "A", last: "One"),
                try row(3, email: "b@example.com", first: "B", last: "Two", external: "X1"),
                try row(4, email: "a@example.com", first: "A", last: "Again"),
                try row(5, email: "c@example.com", first: "C", last: "Three", external: "X1"),
                try row(6, email: "d@example.com", phone: "+1 415 555 0101", first: "D", last: "Four"),
                try row(7, email: "e@example.com", phone: "+1 415 555 0101", first: "E", last: "Five"),
                try row(8, email: "f@example.com", first: "F", last: "Fine"),
            ]
            let result = try await importRows(db, rows)
            #expect(result.created == 1 && result.updated == 0)
            #expect(
                result.problems == [
                    .init(line: 2, reason: "duplicate email in the file (lines 2, 4)"),
                    .init(line: 3, reason: "duplicate external-id in the file (lines 3, 5)"),
                    .init(line: 4, reason: "duplicate email in the file (lines 2, 4)"),
                    .init(line: 5, reason: "duplicate external-id in the file (lines 3, 5)"),
                    .init(line: 6, reason: "duplicate phone in the file (lines 6, 7)"),
                    .init(line: 7, reason: "duplicate phone in the file (lines 6, 7)"),
                ])
            #expect(try await db.texts("select email from members") == ["f@example.com"])
        }
    }

    @Test("collisions are refused with a reason and change nothing: another member's email, phone or external id; a new member without names; --no-update")
    func collisions() async throws {
        try await withTestDatabase { db in
            _ = try await db.store.enroll(
                NewMember(firstName: "Ada", lastName: "Lovelace", email: try EmailAddress(parsing: "ada@example.com"),
                          phone: try PhoneNumber(parsing: "+1 415 555 0101", defaultRegion: .unitedStates), externalID: "C1"),
                origin: admin)
            _ = try await db.store.enroll(
                NewMember(firstName: "Grace", lastName: "Hopper", email: try EmailAddress(parsing: "grace@example.com"), externalID: "C2"),
                origin: admin)
            let before = try await snapshot(db)
            let rows = [
                // Grace's row would take Ada's email, phone or external id.
                try row(2, email: "grace@example.com", phone: "+1 415 555 0101"),
                try row(3, email: "new@example.com", first: "New", last: "Person", external: "C2"),
                try row(4, email: "nameless@example.com"),
                try row(5, email: "half@example.com", first: "Half"),
            ]
            let result = try await importRows(db, rows)
            #expect(result.created == 0 && result.updated == 0 && result.unchanged == 0)
            #expect(
                result.problems == [
                    .init(line: 2, reason: "phone belongs to another member"),
                    .init(line: 3, reason: "external-id belongs to another member"),
                    .init(line: 4, reason: "a new member needs first-name and last-name"),
                    .init(line: 5, reason: "a new member needs first-name and last-name"),
                ])
            #expect(try await snapshot(db) == before)
            var takeEmail = try row(2, email: "new@example.com", external: "C2")
            takeEmail.firstName = "Grace"
            let byExternal = try await importRows(db, [takeEmail, try row(3, email: "ada@example.com", first: "X", last: "Y", external: "C2b")], match: .externalID)
            #expect(byExternal.problems == [.init(line: 3, reason: "email belongs to another member")])
            #expect(byExternal.updated == 1)
            #expect(try await db.texts("select email from members where external_id = 'C2'") == ["new@example.com"])

            let noUpdate = try await importRows(db, [try row(2, email: "ada@example.com", first: "Changed")], update: false)
            #expect(noUpdate.problems == [.init(line: 2, reason: "already a member (--no-update)")] && noUpdate.updated == 0)
            #expect(try await db.texts("select first_name from members where email = 'ada@example.com'") == ["Ada"])
        }
    }

    @Test("a dry run reports exactly what a real run then does, and changes nothing (no member, number, consent or audit row)")
    func dryRun() async throws {
        try await withTestDatabase { db in
            _ = try await db.newMember("Ada", "Lovelace", email: "ada@example.com")
            var consent = try row(2, email: "ada@example.com", first: "Augusta")
            consent.emailConsent = true
            var newcomer = try row(3, email: "new@example.com", first: "New", last: "Person")
            newcomer.smsConsent = true
            let rows = [consent, newcomer, try row(4, email: "x@example.com"), try row(5, email: "new@example.com", first: "D", last: "Up")]
            let before = try await snapshot(db)
            let counts = "select (select count(*) from consent_events) * 1000 + (select count(*) from audit_log)"
            let eventsBefore = try await db.scalar("\(unescaped: counts)")
            let sequence = try await db.scalar("select last_value from member_number_seq")

            let dry = try await importRows(db, rows, dryRun: true)
            #expect(dry.dryRun && dry.created == 0 && dry.updated == 1 && dry.unchanged == 0, "\(dry)")
            #expect(dry.problems.map(\.line) == [3, 4, 5])
            #expect(try await snapshot(db) == before)
            #expect(try await db.scalar("\(unescaped: counts)") == eventsBefore)
            #expect(try await db.scalar("select last_value from member_number_seq") == sequence)

            let real = try await importRows(db, rows)
            #expect(real.created == dry.created && real.updated == dry.updated && real.unchanged == dry.unchanged)
            #expect(real.problems == dry.problems && !real.dryRun)
            #expect(try await snapshot(db) != before)
        }
    }

    @Test("consent from the file goes into the consent history with source 'import' and the actor; consent not given stays")
    func consentHistory() async throws {
        try await withTestDatabase { db in
            _ = try await db.store.enroll(
                NewMember(firstName: "Ada", lastName: "Lovelace", email: try EmailAddress(parsing: "ada@example.com"), smsConsent: true),
                origin: admin)
            var withdraw = try row(2, email: "ada@example.com")
            withdraw.emailConsent = true
            withdraw.smsConsent = false
            var created = try row(3, email: "new@example.com", first: "New", last: "Person")
            created.emailConsent = true
            var silent = try row(4, email: "quiet@example.com", first: "Quiet", last: "Person")
            silent.tags = ["x"]
            let result = try await importRows(db, [withdraw, created, silent])
            #expect(result.created == 2 && result.updated == 1)
            #expect(
                try await db.texts(
                    """
                    select m.email || ' ' || e.channel || ' ' || e.granted || ' ' || e.source || ' ' || coalesce(e.actor, '-')
                      from consent_events e join members m on m.id = e.member_id order by e.id
                    """)
                    == [
                        // `member add`'s consent names its administrator (the test's origin).
                        "ada@example.com sms true admin test",
                        // Members are created before others are updated.
                        "new@example.com email true import alice",
                        "ada@example.com email true import alice",
                        "ada@example.com sms false import alice",
                    ])
            #expect(
                try await db.texts(
                    "select email || ' ' || email_consent || ' ' || (email_consent_at is not null) || ' ' || sms_consent from members order by email")
                    == ["ada@example.com true true false", "new@example.com true true false", "quiet@example.com false false false"])
            // A later, unrelated change made by an administrator is not taken for an import's.
            var update = MemberUpdate()
            update.smsConsent = true
            _ = try await db.store.updateMember(.email(try EmailAddress(parsing: "quiet@example.com")), update, actor: "bob")
            #expect(try await db.texts("select source from consent_events order by id desc limit 1") == ["admin"])
        }
    }

    @Test("the database refuses an unknown match key, and a direct write of a consent event cannot be undone")
    func databaseRefusals() async throws {
        try await withTestDatabase { db in
            let refused = await #expect(throws: PSQLError.self) {
                _ = try await db.texts("select loyalty_import_members('a', 'f', '\\x00'::bytea, 'number', true, false, 0, 0)::text")
            }
            #expect(refused?.serverInfo?[.sqlState] == "LY400")
            #expect(try await db.scalar("select count(*)::int8 from audit_log") == 0)
            _ = try await importRows(db, [try row(2, email: "new@example.com", first: "New", last: "Person")].map {
                var row = $0
                row.emailConsent = true
                return row
            })
            let deleted = await #expect(throws: PSQLError.self) {
                try await db.client.query("delete from consent_events where source = 'import'", logger: db.logger)
            }
            #expect(deleted?.serverInfo?[.sqlState] == "LY405")
            #expect(try await db.scalar("select count(*)::int8 from consent_events where source = 'import'") == 1)
        }
    }
}
