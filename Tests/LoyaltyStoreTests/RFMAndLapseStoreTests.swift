import Foundation
import LoyaltyCore
import LoyaltyStore
import LoyaltyTestSupport
import LoyaltyTesting
import PostgresNIO
import Testing

/// RFM scores and segments, and the lapse rule (docs/purchases.md, "RFM" and "Lapsed and at risk").
@Suite("RFM and lapse (PostgreSQL)", .timeLimit(.minutes(6)))
struct RFMAndLapseStoreTests {
    /// The scores and segment of the member with this external id, as `R F M segment`.
    func scores(_ db: TestDatabase, _ customer: String) async throws -> String {
        try await db.text(
            """
            select coalesce(x.recency_score::text, '-') || ' ' || coalesce(x.frequency_score::text, '-') || ' '
                   || coalesce(x.monetary_score::text, '-') || ' ' || coalesce(x.rfm_segment, '-')
              from member_purchase_metrics x join members m on m.id = x.member_id where m.external_id = \(customer)
            """) ?? ""
    }

    /// `1 + ⌊5 × lower ÷ population⌋` for each value, computed in Swift.
    func expectedScores(_ values: [Int]) -> [Int] {
        values.map { value in 1 + 5 * values.filter { $0 < value }.count / values.count }
    }

    @Test("RFM: 1 + ⌊5 × lower ÷ population⌋, equal values share a score; segments from R and F; a closed member loses scores")
    func scoring() async throws {
        try await withTestDatabase { db in
            try await db.importSales(customer: "M1", daysFromToday: [-100], amount: "10.00")
            try await db.importSales(customer: "M2", daysFromToday: [-100], amount: "10.00")
            try await db.importSales(customer: "M3", daysFromToday: [-50, -40], amount: "30.00")
            try await db.importSales(customer: "M4", daysFromToday: [-60, -30, -20], amount: "5.00")
            try await db.importSales(customer: "M5", daysFromToday: [-10], amount: "100.00")
            try await db.importSales(customer: "M6", daysFromToday: [-90, -80, -70, -5], amount: "20.00")
            _ = try await db.newMember()  // no purchases: not in the population
            try await db.store.refreshPurchaseMetrics()
            #expect(try await db.store.scoreRFM() == 6)

            // The same figures by the formula in Swift: last days, purchase days, spend.
            let recency = expectedScores([-100, -100, -40, -20, -10, -5])
            let frequency = expectedScores([1, 1, 2, 3, 1, 4])
            let monetary = expectedScores([1000, 1000, 6000, 1500, 10000, 8000])
            #expect(recency == [1, 1, 2, 3, 4, 5] && frequency == [1, 1, 3, 4, 1, 5] && monetary == [1, 1, 3, 2, 5, 4])
            let segments = ["lost", "lost", "at-risk", "loyal", "promising", "champions"]
            for index in 0..<6 {
                #expect(
                    try await scores(db, "M\(index + 1)")
                        == "\(recency[index]) \(frequency[index]) \(monetary[index]) \(segments[index])", "M\(index + 1)")
            }
            let m6 = try #require(try await db.store.purchaseMetrics(try await db.member(externalID: "M6")))
            #expect(m6.recencyScore == 5 && m6.frequencyScore == 5 && m6.monetaryScore == 4 && m6.rfmSegment == "champions")
            #expect(try await db.texts("select population::text || ' ' || currency from rfm_scoring") == ["6 EUR"])

            // Closing M6 takes it out of the population; the others are rescored over five.
            _ = try await db.store.setMemberStatus(try await db.member(externalID: "M6"), to: .closed, reason: "gone", actor: "test")
            #expect(try await db.store.scoreRFM() == 5)
            #expect(try await scores(db, "M6") == "- - - -")
            let recency5 = expectedScores([-100, -100, -40, -20, -10])
            let frequency5 = expectedScores([1, 1, 2, 3, 1])
            let monetary5 = expectedScores([1000, 1000, 6000, 1500, 10000])
            for index in 0..<5 {
                let segment = try await db.text("select loyalty_rfm_segment(\(recency5[index])::int, \(frequency5[index])::int)") ?? ""
                #expect(
                    try await scores(db, "M\(index + 1)")
                        == "\(recency5[index]) \(frequency5[index]) \(monetary5[index]) \(segment)", "M\(index + 1)")
            }
            #expect(try await db.texts("select population::text from rfm_scoring") == ["5"])
        }
    }

    @Test("RFM: everyone tied gets 1s; no population scores nobody")
    func allTied() async throws {
        try await withTestDatabase { db in
            #expect(try await db.store.scoreRFM() == 0)
            for customer in ["A", "B", "C"] { try await db.importSales(customer: customer, daysFromToday: [-3], amount: "4.00") }
            try await db.store.refreshPurchaseMetrics()
            #expect(try await db.store.scoreRFM() == 3)
            for customer in ["A", "B", "C"] { #expect(try await scores(db, customer) == "1 1 1 lost") }
        }
    }

    /// The grid of named segments as docs/purchases.md tabulates it: rows R = 5…1, columns F = 1…5.
    static let documentedGrid: [[String]] = [
        ["new", "potential-loyalist", "potential-loyalist", "champions", "champions"],
        ["promising", "potential-loyalist", "potential-loyalist", "champions", "champions"],
        ["about-to-sleep", "needs-attention", "needs-attention", "loyal", "loyal"],
        ["hibernating", "hibernating", "at-risk", "at-risk", "cannot-lose"],
        ["lost", "lost", "at-risk", "at-risk", "cannot-lose"],
    ]

    /// The grid as docs/purchases.md has it, read from the file.
    static func gridInDocs() throws -> [[String]] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let text = try String(contentsOf: root.appendingPathComponent("docs/purchases.md"), encoding: .utf8)
        var rows: [[String]] = []
        for recency in (1...5).reversed() {
            guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("| **\(recency)** |") }) else { continue }
            rows.append(line.split(separator: "|").dropFirst().map { $0.trimmingCharacters(in: .whitespaces) })
        }
        return rows
    }

    @Test("the named segment of each of the 25 cells is the one docs/purchases.md gives")
    func segmentGrid() async throws {
        #expect(try Self.gridInDocs() == Self.documentedGrid)
        try await withTestDatabase { db in
            for (row, recency) in (1...5).reversed().enumerated() {
                for frequency in 1...5 {
                    let segment = try await db.text("select loyalty_rfm_segment(\(recency)::int, \(frequency)::int)")
                    #expect(segment == Self.documentedGrid[row][frequency - 1], "R\(recency) F\(frequency)")
                    #expect(RFMSegment(rawValue: segment ?? "") != nil)
                }
            }
        }
    }

    /// `loyalty_lapse_state` for a member whose last purchase was `daysAgo` days before 2024-06-30.
    func state(_ db: TestDatabase, daysAgo: Int?, median: String?, _ rule: LapseRule) async throws -> String {
        let json = String(decoding: try JSONEncoder().encode(rule), as: UTF8.self)
        return try await db.text(
            """
            select loyalty_lapse_state('2024-06-30'::date - \(daysAgo)::int, \(median)::numeric, '2024-06-30'::date, \(json)::jsonb)
            """) ?? ""
    }

    func threshold(_ db: TestDatabase, median: String?, _ rule: LapseRule) async throws -> Int64 {
        let json = String(decoding: try JSONEncoder().encode(rule), as: UTF8.self)
        return try await db.scalar("select loyalty_lapse_threshold(\(median)::numeric, \(json)::jsonb)::int8")
    }

    @Test("rule days: exactly T days is not lapsed, T + 1 is; at risk after ⌊T × percent ÷ 100⌋; never without a purchase")
    func ruleDays() async throws {
        try await withTestDatabase { db in
            let standard = LapseRule.standard
            let expectations: [(Int, String)] = [(0, "active"), (90, "active"), (91, "at-risk"), (180, "at-risk"), (181, "lapsed")]
            for (days, expected) in expectations {
                #expect(try await state(db, daysAgo: days, median: "7", standard) == expected, "\(days) days")
            }
            #expect(try await state(db, daysAgo: nil, median: nil, standard) == "never")
            // T = 45 at 50 %: at risk after ⌊22.5⌋ = 22 days.
            let short = try LapseRule(kind: .days, days: 45, atRiskPercent: 50)
            #expect(try await state(db, daysAgo: 22, median: nil, short) == "active")
            #expect(try await state(db, daysAgo: 23, median: nil, short) == "at-risk")
            #expect(try await state(db, daysAgo: 45, median: nil, short) == "at-risk")
            #expect(try await state(db, daysAgo: 46, median: nil, short) == "lapsed")
            #expect(try await threshold(db, median: "100", short) == 45)
        }
    }

    @Test("rule gap: max(floor, ⌈multiple × median⌉), the floor for a one-day customer")
    func ruleGap() async throws {
        try await withTestDatabase { db in
            let gap = try LapseRule(kind: .gap, multiplePercent: 300, floorDays: 90, atRiskPercent: 50)
            #expect(try await threshold(db, median: nil, gap) == 90)  // one purchase day
            #expect(try await threshold(db, median: "20.0", gap) == 90)  // 60 is below the floor
            #expect(try await threshold(db, median: "45.0", gap) == 135)
            #expect(try await threshold(db, median: "30.5", gap) == 92)  // 91.5 rounded up
            let twoAndHalf = try LapseRule(kind: .gap, multiplePercent: 250, floorDays: 10, atRiskPercent: 50)
            #expect(try await threshold(db, median: "30.5", twoAndHalf) == 77)  // 76.25 rounded up
            #expect(try await threshold(db, median: "2.0", twoAndHalf) == 10)
            #expect(try await state(db, daysAgo: 135, median: "45.0", gap) == "at-risk")
            #expect(try await state(db, daysAgo: 136, median: "45.0", gap) == "lapsed")
            #expect(try await state(db, daysAgo: 67, median: "45.0", gap) == "active")  // ⌊135 ÷ 2⌋ = 67
            #expect(try await state(db, daysAgo: 68, median: "45.0", gap) == "at-risk")
            #expect(try await state(db, daysAgo: 90, median: nil, gap) == "at-risk")
            #expect(try await state(db, daysAgo: 91, median: nil, gap) == "lapsed")
        }
    }

    @Test("purchaseMetrics reports the lapse state and threshold of the store's rule, by the member's own purchases")
    func metricsLapse() async throws {
        try await withTestDatabase { db in
            try await db.importSales(customer: "D180", daysFromToday: [-180])
            try await db.importSales(customer: "D181", daysFromToday: [-181])
            try await db.importSales(customer: "D90", daysFromToday: [-90])
            try await db.importSales(customer: "D91", daysFromToday: [-91])
            try await db.importSales(customer: "EVERY45", daysFromToday: [-226, -181, -136])  // median 45, 136 days ago
            try await db.importSales(customer: "EVERY20", daysFromToday: [-131, -111, -91])  // median 20: floor 90
            let standard = db.store
            let expectations: [(String, String)] = [
                ("D180", "at-risk"), ("D181", "lapsed"), ("D90", "active"), ("D91", "at-risk"), ("EVERY45", "at-risk"),
                ("EVERY20", "at-risk"),
            ]
            for (customer, expected) in expectations {
                let metrics = try #require(try await standard.purchaseMetrics(try await db.member(externalID: customer)))
                #expect(metrics.lapseState == expected && metrics.lapseThresholdDays == 180, "\(customer)")
            }
            let gap = try db.trackerStore(lapse: try LapseRule(kind: .gap, multiplePercent: 300, floorDays: 90, atRiskPercent: 50))
            let gapExpectations: [(String, String, Int)] = [
                ("D90", "at-risk", 90), ("D91", "lapsed", 90), ("EVERY45", "lapsed", 135), ("EVERY20", "lapsed", 90),
            ]
            for (customer, expected, threshold) in gapExpectations {
                let metrics = try #require(try await gap.purchaseMetrics(try await db.member(externalID: customer)))
                #expect(metrics.lapseState == expected && metrics.lapseThresholdDays == threshold, "\(customer)")
            }
        }
    }
}
