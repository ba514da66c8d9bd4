import Foundation
import LoyaltyCore
import LoyaltyStore
import LoyaltyTestSupport
import LoyaltyTesting
import PostgresNIO
import Testing

/// `report repeat|cohorts|lapsed|rfm` on small known data sets (docs/purchases.md, "Programme-level reports").
@Suite("Repeat-purchase reports (PostgreSQL)", .timeLimit(.minutes(6)))
struct RepeatReportStoreTests {
    /// Four customers and one member without purchases, in 2024 (UTC):
    ///
    /// - I1 (imported): 5 Jan, 20 Jan, 2 Mar: 3 days, 15 days to the second.
    /// - I2 (imported): 10 Jan, and a return on 15 Mar (not a day).
    /// - I3 (imported): 3 Feb twice, 10 Apr: 2 days, 67 days to the second.
    /// - T1 (enrolled from the web, bought at store S1): 15 and 16 Feb: 2 days, 1 day to the second.
    func knownData(_ db: TestDatabase, store: LoyaltyStore? = nil) async throws {
        _ = try await db.store.enroll(NewMember(firstName: "Tess", lastName: "One", sourceChannel: "web", externalID: "T1"), origin: admin)
        _ = try await db.newMember("No", "Purchases")
        try await (store ?? db.store).importLines([
            try importLine(2, "1", "I1", "2024-01-05 10:00", "10.00"),
            try importLine(3, "2", "I1", "2024-01-20 10:00", "10.00"),
            try importLine(4, "3", "I1", "2024-03-02 10:00", "10.00"),
            try importLine(5, "4", "I2", "2024-01-10 10:00", "10.00"),
            try importLine(6, "5", "I2", "2024-03-15 10:00", "-4.00"),
            try importLine(7, "6", "I3", "2024-02-03 10:00", "10.00"),
            try importLine(8, "7", "I3", "2024-02-03 18:00", "10.00"),
            try importLine(9, "8", "I3", "2024-04-10 10:00", "10.00"),
            try importLine(10, "9", "T1", "2024-02-15 10:00", "10.00", store: "S1"),
            try importLine(11, "10", "T1", "2024-02-16 10:00", "10.00", store: "S1"),
        ])
    }

    func group(_ name: String, _ customers: Int64, _ repeaters: Int64, _ days: Int64, _ toSecond: Int64) -> RepeatPurchaseGroup {
        RepeatPurchaseGroup(group: name, customers: customers, repeatCustomers: repeaters, purchaseDays: days, daysToSecondPurchase: toSecond)
    }

    @Test("repeat report: customers, repeat customers, purchase days and days to a second purchase, overall and by month, store, source")
    func repeatReport() async throws {
        try await withTestDatabase { db in
            let today = try await db.dateText()
            let empty = try await db.store.repeatPurchaseReport()
            #expect(empty.overall == group("all", 0, 0, 0, 0) && empty.byFirstMonth.isEmpty && empty.asOf == today)

            try await knownData(db)
            let report = try await db.store.repeatPurchaseReport()
            #expect(report.asOf == today)
            #expect(report.overall == group("all", 4, 3, 8, 83))
            #expect(report.byFirstMonth == [group("2024-01", 2, 1, 4, 15), group("2024-02", 2, 2, 4, 68)])
            #expect(report.byStore.sorted { $0.group < $1.group } == [group("(none)", 3, 2, 6, 82), group("S1", 1, 1, 2, 1)])
            #expect(report.bySource.sorted { $0.group < $1.group } == [group("import", 3, 2, 6, 82), group("web", 1, 1, 2, 1)])
        }
    }

    @Test("cohort report: customers of each first-purchase month and how many bought k months later; from/to")
    func cohortReport() async throws {
        try await withTestDatabase { db in
            #expect(try await db.store.cohortReport(from: nil, to: nil).rows.isEmpty)
            try await knownData(db)
            let report = try await db.store.cohortReport(from: nil, to: nil)
            let today = try await db.dateText()
            #expect(report.asOf == today)
            #expect(
                report.rows == [
                    CohortRow(cohort: "2024-01", customers: 2, active: [2, 0, 1, 0]),
                    CohortRow(cohort: "2024-02", customers: 2, active: [2, 0, 1]),
                ])
            let february = try CalendarDate(year: 2024, month: 2, day: 1)
            let january = try CalendarDate(year: 2024, month: 1, day: 1)
            #expect(try await db.store.cohortReport(from: february, to: february).rows.map(\.cohort) == ["2024-02"])
            #expect(try await db.store.cohortReport(from: nil, to: january).rows.map(\.cohort) == ["2024-01"])
            #expect(try await db.store.cohortReport(from: try CalendarDate(year: 2024, month: 3, day: 1), to: nil).rows.isEmpty)
            // A day inside a month stands for its month.
            #expect(
                try await db.store.cohortReport(from: try CalendarDate(year: 2024, month: 1, day: 20), to: try CalendarDate(year: 2024, month: 1, day: 31))
                    .rows.map(\.cohort) == ["2024-01"])
            await expectStoreError(.badArgument) { _ = try await db.store.cohortReport(from: february, to: january) }
        }
    }

    @Test("lapse report: customers active, at risk and lapsed at each month end and at --as-of; closed members left out")
    func lapseReport() async throws {
        try await withTestDatabase { db in
            let store = try db.trackerStore(lapse: try LapseRule(kind: .days, days: 30, atRiskPercent: 50))
            try await knownData(db, store: store)
            let asOf = try CalendarDate(year: 2024, month: 4, day: 30)
            let report = try await store.lapseReport(asOf: asOf, months: 3)
            #expect(report.rule == "lapsed after 30 days without a purchase, at risk after 15")
            #expect(report.today == LapseCounts(day: "2024-04-30", customers: 4, active: 0, atRisk: 1, lapsed: 3))
            #expect(
                report.history == [
                    LapseCounts(day: "2024-01-31", customers: 2, active: 1, atRisk: 1, lapsed: 0),
                    LapseCounts(day: "2024-02-29", customers: 4, active: 1, atRisk: 1, lapsed: 2),
                    LapseCounts(day: "2024-03-31", customers: 4, active: 0, atRisk: 1, lapsed: 3),
                ])

            // As of a day in the middle of history: later purchases do not count yet.
            let early = try await store.lapseReport(asOf: try CalendarDate(year: 2024, month: 2, day: 10), months: 1)
            #expect(early.today == LapseCounts(day: "2024-02-10", customers: 3, active: 1, atRisk: 1, lapsed: 1))
            #expect(early.history == [LapseCounts(day: "2024-01-31", customers: 2, active: 1, atRisk: 1, lapsed: 0)])
            #expect(try await store.lapseReport(asOf: asOf, months: 0).history.isEmpty)

            _ = try await db.store.setMemberStatus(try await db.member(externalID: "T1"), to: .closed, reason: "left", actor: "test")
            let closed = try await store.lapseReport(asOf: asOf, months: 3)
            #expect(closed.today == LapseCounts(day: "2024-04-30", customers: 3, active: 0, atRisk: 1, lapsed: 2))
            #expect(closed.history[1] == LapseCounts(day: "2024-02-29", customers: 3, active: 0, atRisk: 1, lapsed: 2))

            await expectStoreError(.badArgument) { _ = try await store.lapseReport(asOf: asOf, months: 121) }
        }
    }

    @Test("lapse report: a month end before the first purchase still has its row, with zeros")
    func lapseReportEmptyMonths() async throws {
        try await withTestDatabase { db in
            try await knownData(db)
            let report = try await db.store.lapseReport(asOf: try CalendarDate(year: 2024, month: 1, day: 15), months: 2)
            #expect(report.today == LapseCounts(day: "2024-01-15", customers: 2, active: 2, atRisk: 0, lapsed: 0))
            // docs/purchases.md: "at the end of --as-of and at the end of each of the N months before".
            #expect(report.history.map(\.day) == ["2023-11-30", "2023-12-31"])
            #expect(report.history.allSatisfy { $0.customers == 0 })
        }
    }

    @Test("lapse report by default as of today, with the history of the last 12 months")
    func lapseReportToday() async throws {
        try await withTestDatabase { db in
            try await db.importSales(customer: "A", daysFromToday: [-200, -100])
            try await db.importSales(customer: "B", daysFromToday: [-10])
            let report = try await db.store.lapseReport(asOf: nil, months: 12)
            let today = try await db.dateText()
            #expect(report.today.day == today)
            #expect(report.today.customers == 2 && report.today.active == 1 && report.today.atRisk == 1 && report.today.lapsed == 0)
            #expect(report.history.count <= 12 && report.history.allSatisfy { $0.day < report.today.day })
            #expect(report.history.last?.customers ?? 0 >= 1)
        }
    }

    @Test("RFM report: the grid cells and the named segments as last scored, with spend and days since the last purchase")
    func rfmReport() async throws {
        try await withTestDatabase { db in
            let unscored = try await db.store.rfmReport()
            #expect(unscored.scoredAt == nil && unscored.population == 0 && unscored.cells.isEmpty && unscored.segments.isEmpty)
            #expect(unscored.currency == "EUR")

            try await db.importSales(customer: "A", daysFromToday: [-10, -5, -1], amount: "10.00")
            try await db.importSales(customer: "B", daysFromToday: [-100], amount: "50.00")
            try await db.importSales(customer: "C", daysFromToday: [-50, -40], amount: "5.00")
            try await db.store.refreshPurchaseMetrics()
            #expect(try await db.store.scoreRFM() == 3)
            let report = try await db.store.rfmReport()
            #expect(report.scoredAt != nil && report.population == 3 && report.currency == "EUR")
            // Over three: lower 0 → 1, 1 → 2, 2 → 4.
            #expect(
                report.cells == [
                    RFMCell(recency: 1, frequency: 1, members: 1, spend: 5000), RFMCell(recency: 2, frequency: 2, members: 1, spend: 1000),
                    RFMCell(recency: 4, frequency: 4, members: 1, spend: 3000),
                ])
            #expect(
                report.segments == [
                    RFMSegmentCount(segment: "champions", members: 1, spend: 3000, daysSinceLastPurchase: 1),
                    RFMSegmentCount(segment: "hibernating", members: 1, spend: 1000, daysSinceLastPurchase: 40),
                    RFMSegmentCount(segment: "lost", members: 1, spend: 5000, daysSinceLastPurchase: 100),
                ])
        }
    }
}
