import Foundation
import LoyaltyCore
import LoyaltyStore
import LoyaltyTestSupport
import LoyaltyTesting
import PostgresNIO
import Testing

/// `importPurchases`: receipt lines from history become purchases (docs/purchases.md, "Importing history").
@Suite("Purchase imports (PostgreSQL)", .timeLimit(.minutes(6)))
struct PurchaseImportStoreTests {
    /// `quantity × unit price`, exactly, as the UCI preset computes a line's amount.
    func times(_ quantity: String, _ price: String) throws -> ImportDecimal {
        try ImportDecimal(parsing: quantity).multiplied(by: try ImportDecimal(parsing: price))
    }

    func uciLine(_ number: Int, _ invoice: String, _ customer: String, _ at: String, _ quantity: String, _ price: String) throws
        -> PurchaseImportLine
    {
        PurchaseImportLine(
            line: number, receipt: invoice, customer: customer, purchasedAt: try ImportTimestamp(parsing: at, format: .monthDayYear),
            amount: try times(quantity, price))
    }

    @Test("UCI lines become receipts: one purchase per invoice at its first line, the sum rounded half away from zero; C… is a return")
    func uciReceipts() async throws {
        try await withTestDatabase { db in
            let lines = [
                try uciLine(2, "536365", "17850", "12/1/2010 8:27", "6", "2.55"),  // 15.30
                try uciLine(3, "536365", "17850", "12/1/2010 8:26", "6", "3.39"),  // 20.34; the earliest line
                try uciLine(4, "536365", "17850", "12/1/2010 8:26", "1", "0.005"),  // 35.645 → 35.65
                try uciLine(5, "536366", "13047", "12/1/2010 8:28", "6", "1.85"),  // 11.10
                try uciLine(6, "C536379", "17850", "12/1/2010 9:41", "-1", "27.50"),
                try uciLine(7, "C536379", "17850", "12/1/2010 9:41", "-1", "0.005"),  // -27.505 → a return of 27.51
                try uciLine(8, "536370", "13047", "12/2/2010 10:00", "2", "5.00"),
                try uciLine(9, "536370", "13047", "12/2/2010 10:00", "-2", "5.00"),  // 0: a sale of 0
            ]
            let result = try await db.store.importLines(lines, currency: .poundSterling, skipped: 1)
            #expect(result.lines == 9 && result.skippedLines == 1)
            #expect(result.receiptsRead == 4 && result.receipts == 4 && result.returns == 1)
            #expect(result.alreadyImported == 0 && result.membersCreated == 2 && result.problems.isEmpty)

            let purchases = try await db.texts(
                """
                select p.receipt || ' ' || m.external_id || ' ' || p.kind || ' ' || p.amount_minor || ' ' || p.currency || ' '
                       || to_char(p.purchased_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI') || ' ' || p.source || ' '
                       || (p.returns_purchase_id is null) || ' ' || (p.import_id = \(result.importID))
                  from purchases p join members m on m.id = p.member_id order by p.receipt
                """)
            #expect(
                purchases == [
                    "536365 17850 sale 3565 GBP 2010-12-01 08:26 import true true",
                    "536366 13047 sale 1110 GBP 2010-12-01 08:28 import true true",
                    "536370 13047 sale 0 GBP 2010-12-02 10:00 import true true",
                    "C536379 17850 return 2751 GBP 2010-12-01 09:41 import true true",
                ])
            // Imported purchases earn nothing.
            #expect(try await db.scalar("select count(*)::int8 from point_entries") == 0)
        }
    }

    @Test("unknown customers become members with source 'import', created at their first purchase, with an account")
    func membersCreated() async throws {
        try await withTestDatabase { db in
            _ = try await db.store.enroll(NewMember(firstName: "Known", lastName: "Person", sourceChannel: "web", externalID: "K1"), origin: admin)
            let result = try await db.store.importLines([
                try importLine(2, "R1", "K1", "2023-05-01 10:00", "5.00"),
                try importLine(3, "R2", "N1", "2023-05-03 11:00", "7.00"),
                try importLine(4, "R3", "N1", "2023-05-02 09:15", "1.00"),
            ])
            #expect(result.membersCreated == 1 && result.receipts == 3)
            let members = try await db.texts(
                """
                select m.external_id || ' ' || m.first_name || ' ' || m.last_name || ' ' || coalesce(m.source_channel, '-') || ' '
                       || m.status || ' ' || to_char(m.created_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI') || ' ' || a.balance
                  from members m join point_accounts a on a.member_id = m.id order by m.external_id
                """)
            #expect(members.count == 2)
            #expect(members.last == "N1 Customer N1 import active 2023-05-02 09:15 0")
            #expect(members.first?.hasPrefix("K1 Known Person web active") == true)
            // The new member's number is a valid one.
            let created = try await db.member(externalID: "N1")
            #expect(try await db.store.member(created).lastName == "N1")
        }
    }

    @Test("without createMembers, receipts of unknown customers are refused by their first line; the others are imported")
    func noCreateMembers() async throws {
        try await withTestDatabase { db in
            _ = try await db.store.enroll(NewMember(firstName: "Known", lastName: "Person", externalID: "K1"), origin: admin)
            let result = try await db.store.importLines(
                [
                    try importLine(2, "R1", "K1", "2023-05-01 10:00", "5.00"),
                    try importLine(3, "R2", "X9", "2023-05-01 10:05", "7.00"),
                    try importLine(4, "R2", "X9", "2023-05-01 10:05", "1.00"),
                ], createMembers: false)
            #expect(result.receipts == 1 && result.membersCreated == 0 && result.receiptsRead == 2)
            #expect(result.problems == [.init(line: 3, reason: "customer X9 is not a member")])
            #expect(try await db.scalar("select count(*)::int8 from members") == 1)
            #expect(try await db.texts("select receipt from purchases") == ["R1"])
            let audit = try await db.texts("select details::text from audit_log where action = 'purchase.import'")
            #expect(audit.count == 1 && audit[0].contains("\"refused_receipts\": 1"))
        }
    }

    @Test("a receipt naming two customers, or mixing currencies, is refused as a whole; other receipts go in")
    func refusedReceipts() async throws {
        try await withTestDatabase { db in
            let result = try await db.store.importLines([
                try importLine(2, "R1", "A", "2023-05-01 10:00", "5.00"),
                try importLine(3, "R2", "A", "2023-05-01 10:00", "5.00"),
                try importLine(4, "R2", "B", "2023-05-01 10:00", "5.00"),
                try importLine(5, "R3", "C", "2023-05-01 10:00", "5.00", currency: .euro),
                try importLine(6, "R3", "C", "2023-05-01 10:00", "5.00", currency: .usDollar),
            ])
            #expect(result.receiptsRead == 3 && result.receipts == 1)
            #expect(
                result.problems == [
                    .init(line: 3, reason: "receipt R2 names more than one customer (A, B)"), .init(line: 5, reason: "receipt R3 mixes currencies"),
                ])
            #expect(try await db.texts("select receipt from purchases") == ["R1"])
            // Only the customer of the imported receipt became a member.
            #expect(try await db.texts("select external_id from members") == ["A"])
        }
    }

    @Test("re-importing adds nothing; an overlapping file adds only its new receipts; a receipt is per store")
    func reimport() async throws {
        try await withTestDatabase { db in
            let first = [
                try importLine(2, "R1", "A", "2023-05-01 10:00", "5.00"),
                try importLine(3, "R2", "B", "2023-05-02 10:00", "-3.00"),
            ]
            let once = try await db.store.importLines(first)
            #expect(once.receipts == 2 && once.returns == 1 && once.membersCreated == 2)
            let twice = try await db.store.importLines(first)
            #expect(twice.receipts == 0 && twice.returns == 0 && twice.alreadyImported == 2 && twice.membersCreated == 0)
            #expect(twice.problems.isEmpty && twice.receiptsRead == 2)
            #expect(try await db.scalar("select count(*)::int8 from purchases") == 2)

            let overlapping = try await db.store.importLines([
                try importLine(2, "R2", "B", "2023-05-02 10:00", "-3.00"),
                try importLine(3, "R3", "C", "2023-05-03 10:00", "4.00"),
                try importLine(4, "R1", "A", "2023-05-01 10:00", "5.00", store: "S2"),
            ])
            #expect(overlapping.receipts == 2 && overlapping.alreadyImported == 1 && overlapping.membersCreated == 1)
            #expect(
                try await db.texts("select receipt || '@' || coalesce(store_code, '-') from purchases order by receipt, store_code nulls first")
                    == ["R1@-", "R1@S2", "R2@-", "R3@-"])
            #expect(try await db.scalar("select count(*)::int8 from purchase_imports") == 3)
            #expect(try await db.texts("select already_imported::text from purchase_imports order by id") == ["0", "2", "1"])
        }
    }

    struct StopImport: Error {}

    @Test("an import that fails leaves nothing behind: no members, purchases, import record, audit or queue rows")
    func failedImportLeavesNothing() async throws {
        try await withTestDatabase { db in
            let lines = [
                try importLine(2, "R1", "A", "2023-05-01 10:00", "5.00"),
                try importLine(3, "R2", "B", "2023-05-02 10:00", "6.00"),
            ]
            await #expect(throws: (any Error).self) {
                _ = try await db.store.importPurchases(file: "broken.csv", currency: .euro, createMembers: true, actor: "importer") {
                    writer in
                    try await writer.write(lines)
                    throw StopImport()
                }
            }
            for table in ["members", "purchases", "purchase_imports", "purchase_metrics_queue", "audit_log", "point_accounts"] {
                #expect(try await db.scalar("select count(*)::int8 from \(unescaped: table)") == 0, "\(table)")
            }
            // The connection is usable again and the same lines import afterwards.
            let result = try await db.store.importLines(lines)
            #expect(result.receipts == 2 && result.membersCreated == 2)
        }
    }

    @Test("every import is recorded and audited: file, SHA-256, actor and counts")
    func recordAndAudit() async throws {
        try await withTestDatabase { db in
            let result = try await db.store.importLines(
                [
                    try importLine(2, "R1", "A", "2023-05-01 10:00", "5.00"),
                    try importLine(3, "R2", "A", "2023-05-02 10:00", "-1.00"),
                ], file: "history-2023.csv", skipped: 3)
            let records = try await db.store.purchaseImports(limit: 10)
            #expect(records.count == 1)
            let record = try #require(records.first)
            #expect(record.id == result.importID && record.file == "history-2023.csv" && record.actor == "importer")
            #expect(record.sha256 == String(repeating: "ab", count: 32))
            #expect(record.lines == 5 && record.skippedLines == 3 && record.receipts == 2 && record.returns == 1)
            #expect(record.alreadyImported == 0 && record.membersCreated == 1)
            let audit = try await db.texts(
                """
                select actor || '|' || subject || '|' || (details ->> 'import') || '|' || (details ->> 'sha256') || '|'
                       || (details ->> 'receipts') || '|' || (details ->> 'returns') || '|' || (details ->> 'members_created') || '|'
                       || (details ->> 'skipped_lines')
                  from audit_log where action = 'purchase.import'
                """)
            #expect(audit == ["importer|history-2023.csv|\(result.importID)|\(String(repeating: "ab", count: 32))|2|1|1|3"])
            // Newest first.
            let second = try await db.store.importLines([try importLine(2, "R3", "A", "2023-05-03 10:00", "5.00")], file: "more.csv")
            #expect(try await db.store.purchaseImports(limit: 10).map(\.id) == [second.importID, result.importID])
            #expect(try await db.store.purchaseImports(limit: 1).map(\.file) == ["more.csv"])
        }
    }

    @Test("local times are read in the programme's time zone; a time with an offset is taken as written")
    func timeZones() async throws {
        try await withTestDatabase { db in
            let london = try db.trackerStore(timeZone: "Europe/London")
            _ = try await london.importLines([
                try importLine(2, "SUMMER", "A", "2024-07-01 00:30", "1.00"),  // BST: 2024-06-30 23:30 UTC
                try importLine(3, "WINTER", "A", "2024-01-15 10:00", "1.00"),  // GMT
                try importLine(4, "OFFSET", "A", "2024-07-01 00:30+02:00", "1.00"),  // 2024-06-30 22:30 UTC whatever the zone
                try importLine(5, "ZULU", "A", "2024-07-01T00:30:15.25Z", "1.00"),
            ])
            _ = try await db.store.importLines([
                try importLine(2, "UTC-LOCAL", "B", "2024-07-01 00:30", "1.00"),
                try importLine(3, "UTC-OFFSET", "B", "2024-07-01 00:30+02:00", "1.00"),
            ])
            let times = try await db.texts(
                "select receipt || ' ' || to_char(purchased_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS.MS') from purchases order by receipt")
            #expect(
                times == [
                    "OFFSET 2024-06-30 22:30:00.000", "SUMMER 2024-06-30 23:30:00.000", "UTC-LOCAL 2024-07-01 00:30:00.000",
                    "UTC-OFFSET 2024-06-30 22:30:00.000", "WINTER 2024-01-15 10:00:00.000", "ZULU 2024-07-01 00:30:15.250",
                ])
            // Purchase days are London days for the London programme: SUMMER and ZULU fall on 1 July there, OFFSET
            // (23:30 BST) on 30 June.
            let metrics = try #require(try await london.purchaseMetrics(try await db.member(externalID: "A")))
            #expect(metrics.firstPurchase == "2024-01-15" && metrics.lastPurchase == "2024-07-01" && metrics.purchaseDays == 3)
            #expect(metrics.receipts == 4 && metrics.medianGapDays == "84.0")  // gaps 167 and 1
        }
    }

    @Test("each line's currency is kept; a receipt in yen rounds to whole yen; an unknown default currency has its digits")
    func currencies() async throws {
        try await withTestDatabase { db in
            let result = try await db.store.importLines([
                try importLine(2, "Y1", "A", "2024-03-01 10:00", "1234.5", currency: .yen),
                try importLine(3, "U1", "A", "2024-03-02 10:00", "10.005", currency: .usDollar),
                try importLine(4, "E1", "A", "2024-03-03 10:00", "-0.004"),  // rounds to 0: a sale of 0
            ])
            #expect(result.receipts == 3 && result.returns == 0 && result.problems.isEmpty)
            #expect(
                try await db.texts("select receipt || ' ' || kind || ' ' || amount_minor || ' ' || currency from purchases order by receipt")
                    == ["E1 sale 0 EUR", "U1 sale 1001 USD", "Y1 sale 1235 JPY"])
        }
    }

    @Test("imports queue the members' metrics; a refresh computes them and empties the queue")
    func importQueuesMetrics() async throws {
        try await withTestDatabase { db in
            try await db.store.importLines([
                try importLine(2, "R1", "A", "2024-03-01 10:00", "5.00"),
                try importLine(3, "R2", "B", "2024-03-01 10:00", "5.00"),
                try importLine(4, "R3", "C", "2024-03-01 10:00", "-5.00"),
            ])
            #expect(try await db.scalar("select count(*)::int8 from purchase_metrics_queue") == 3)
            #expect(try await db.store.refreshPurchaseMetrics() == 3)
            #expect(try await db.scalar("select count(*)::int8 from purchase_metrics_queue") == 0)
            // C has only a return: no purchase day, no metrics.
            #expect(try await db.texts("select m.external_id from member_purchase_metrics x join members m on m.id = x.member_id order by 1") == ["A", "B"])
            #expect(try await db.store.purchaseMetrics(try await db.member(externalID: "C")) == nil)
        }
    }
}
