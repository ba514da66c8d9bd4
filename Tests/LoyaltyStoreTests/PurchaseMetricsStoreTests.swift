import Foundation
import LoyaltyCore
import LoyaltyStore
import LoyaltyTestSupport
import LoyaltyTesting
import PostgresNIO
import Testing

/// Per-member purchase metrics and the queue that keeps them current (docs/purchases.md, "Per-member metrics").
@Suite("Purchase metrics (PostgreSQL)", .timeLimit(.minutes(6)))
struct PurchaseMetricsStoreTests {
    @Test("purchase days count sales once a day, returns are not days; spend is net of returns in the tracker currency only")
    func daysAndSpend() async throws {
        try await withTestDatabase { db in
            let days = try await db.days([-30, -20, -10, -5, 8])
            try await db.store.importLines([
                try importLine(2, "R1", "A", "\(days[0]) 10:00", "10.00"),
                try importLine(3, "R2", "A", "\(days[0]) 15:00", "5.00"),  // the same day: one visit
                try importLine(4, "R3", "A", "\(days[1]) 09:00", "20.00"),
                try importLine(5, "R4", "A", "\(days[2]) 09:00", "-3.00"),  // a return: not a day, less spend
                try importLine(6, "R5", "A", "\(days[3]) 09:00", "100.00", currency: .usDollar),  // a visit, not spend
                try importLine(7, "R6", "A", "\(days[3]) 09:30", "-50.00", currency: .usDollar),  // not spend either
            ])
            let metrics = try #require(try await db.store.purchaseMetrics(try await db.member(externalID: "A")))
            #expect(metrics.firstPurchase == days[0] && metrics.lastPurchase == days[3])
            #expect(metrics.purchaseDays == 3 && metrics.receipts == 4 && metrics.returns == 2)
            #expect(metrics.spend == 3200 && metrics.currency == "EUR" && metrics.averageSpend == 800)
            // Gaps 10 and 15.
            #expect(metrics.meanGapDays == "12.50" && metrics.medianGapDays == "12.5")
            #expect(metrics.expectedNextPurchase == days[4])  // last + 12.5 rounded half up = last + 13
            #expect(metrics.daysSinceLastPurchase == 5)
            #expect(try await db.scalar("select second_purchase_on - first_purchase_on from member_purchase_metrics") == 10)
        }
    }

    @Test("average spend is rounded towards zero, also when returns exceed sales")
    func averageSpend() async throws {
        try await withTestDatabase { db in
            let days = try await db.days([-3, -2, -1])
            try await db.store.importLines([
                try importLine(2, "A1", "A", "\(days[0]) 10:00", "1.00"),
                try importLine(3, "A2", "A", "\(days[1]) 10:00", "1.00"),
                try importLine(4, "A3", "A", "\(days[2]) 10:00", "0.01"),  // 201 / 3 = 67
                try importLine(5, "B1", "B", "\(days[0]) 10:00", "1.00"),
                try importLine(6, "B2", "B", "\(days[1]) 10:00", "1.00"),
                try importLine(7, "B3", "B", "\(days[2]) 10:00", "-4.01"),  // -201 / 2 = -100.5 → -100
            ])
            let a = try #require(try await db.store.purchaseMetrics(try await db.member(externalID: "A")))
            #expect(a.spend == 201 && a.averageSpend == 67)
            let b = try #require(try await db.store.purchaseMetrics(try await db.member(externalID: "B")))
            #expect(b.spend == -201 && b.receipts == 2 && b.averageSpend == -100)
        }
    }

    @Test("median gap: the middle gap of an odd count, the mean of the middle two of an even count; expected next purchase")
    func medians() async throws {
        try await withTestDatabase { db in
            try await db.importSales(customer: "ODD", daysFromToday: [-16, -14, -10, 0])  // gaps 2, 4, 10
            try await db.importSales(customer: "EVEN", daysFromToday: [-6, -4, 0])  // gaps 2, 4
            try await db.importSales(customer: "HALF", daysFromToday: [-3, -2, 0])  // gaps 1, 2
            try await db.importSales(customer: "UNSORTED", daysFromToday: [-1, -30, -21, -20])  // gaps 9, 1, 19
            try await db.importSales(customer: "ONCE", daysFromToday: [-7, -7])
            let expected = try await db.days([4, 3, 2, 8])
            let odd = try #require(try await db.store.purchaseMetrics(try await db.member(externalID: "ODD")))
            #expect(odd.medianGapDays == "4.0" && odd.meanGapDays == "5.33" && odd.expectedNextPurchase == expected[0])
            let even = try #require(try await db.store.purchaseMetrics(try await db.member(externalID: "EVEN")))
            #expect(even.medianGapDays == "3.0" && even.meanGapDays == "3.00" && even.expectedNextPurchase == expected[1])
            let half = try #require(try await db.store.purchaseMetrics(try await db.member(externalID: "HALF")))
            #expect(half.medianGapDays == "1.5" && half.meanGapDays == "1.50" && half.expectedNextPurchase == expected[2])
            let unsorted = try #require(try await db.store.purchaseMetrics(try await db.member(externalID: "UNSORTED")))
            #expect(unsorted.medianGapDays == "9.0" && unsorted.meanGapDays == "9.67" && unsorted.expectedNextPurchase == expected[3])
            let once = try #require(try await db.store.purchaseMetrics(try await db.member(externalID: "ONCE")))
            #expect(once.purchaseDays == 1 && once.receipts == 2)
            #expect(once.medianGapDays == nil && once.meanGapDays == nil && once.expectedNextPurchase == nil)
        }
    }

    @Test("a till EARN with an amount queues its member; a refresh takes them off; a refund is a return")
    func tillQueue() async throws {
        try await withTestDatabase { db in
            let store = db.store
            let (terminal, _) = try await store.addTerminal(name: "till-1", storeCode: "S1", actor: "t")
            let member = try await db.newMember()
            #expect(try await store.refreshPurchaseMetrics() == 0)
            // Points without a purchase queue nothing.
            _ = try await store.earn(member, points: 5, purchase: nil, receipt: nil, origin: admin)
            #expect(try await db.scalar("select count(*)::int8 from purchase_metrics_queue") == 0)
            let earn = try await store.earn(
                member, points: 20, purchase: try eur("20.00"), receipt: "T1",
                origin: .terminal(id: terminal.id, request: try RequestID(parsing: "e1"), fingerprint: "e1"))
            #expect(try await db.scalar("select count(*)::int8 from purchase_metrics_queue") == 1)
            #expect(try await db.scalar("select count(*)::int8 from member_purchase_metrics") == 0)
            #expect(try await store.refreshPurchaseMetrics() == 1)
            #expect(try await db.scalar("select count(*)::int8 from purchase_metrics_queue") == 0)
            #expect(try await store.refreshPurchaseMetrics() == 0)
            #expect(try await db.texts("select first_store from member_purchase_metrics") == ["S1"])

            _ = try await store.reverse(earn: .entry(try #require(earn.entry)), extent: .amount(try eur("5.00")), origin: admin)
            #expect(try await db.scalar("select count(*)::int8 from purchase_metrics_queue") == 1)
            let metrics = try #require(try await store.purchaseMetrics(member))
            #expect(metrics.receipts == 1 && metrics.returns == 1 && metrics.spend == 1500 && metrics.purchaseDays == 1)
            let today = try await db.dateText()
            #expect(metrics.daysSinceLastPurchase == 0 && metrics.lastPurchase == today)
            #expect(try await db.scalar("select count(*)::int8 from purchase_metrics_queue") == 0)
        }
    }

    @Test("purchaseMetrics: nil without purchases, NOT_FOUND for no member")
    func noPurchases() async throws {
        try await withTestDatabase { db in
            let member = try await db.newMember()
            #expect(try await db.store.purchaseMetrics(member) == nil)
            await expectStoreError(.notFound) { _ = try await db.store.purchaseMetrics(.number(try MemberNumber(parsing: "0009999996"))) }
        }
    }

    @Test("refresh --all rebuilds metrics deleted by hand and applies a new time zone and currency")
    func refreshAll() async throws {
        try await withTestDatabase { db in
            try await db.store.importLines([
                try importLine(2, "R1", "A", "2024-06-30 23:30", "10.00"),  // UTC; 1 July in London
                try importLine(3, "R2", "A", "2024-07-01 08:00", "5.00", currency: .poundSterling),
                try importLine(4, "R3", "B", "2024-07-10 08:00", "7.00"),
            ])
            #expect(try await db.store.refreshPurchaseMetrics() == 2)
            let before = try await db.texts(
                "select member_id || ' ' || purchase_days || ' ' || spend || ' ' || first_purchase_on from member_purchase_metrics order by 1")
            #expect(before.count == 2 && before[0].hasSuffix(" 2 1000 2024-06-30"))

            try await db.client.query("delete from member_purchase_metrics", logger: db.logger)
            #expect(try await db.store.refreshPurchaseMetrics() == 0)
            #expect(try await db.store.refreshPurchaseMetrics(all: true) == 2)
            #expect(
                try await db.texts(
                    "select member_id || ' ' || purchase_days || ' ' || spend || ' ' || first_purchase_on from member_purchase_metrics order by 1")
                    == before)

            let london = try db.trackerStore(timeZone: "Europe/London", currency: .poundSterling)
            #expect(try await london.refreshPurchaseMetrics(all: true) == 2)
            let a = try #require(try await london.purchaseMetrics(try await db.member(externalID: "A")))
            #expect(a.purchaseDays == 1 && a.firstPurchase == "2024-07-01" && a.spend == 500 && a.currency == "GBP" && a.receipts == 2)
        }
    }

    /// A random history: sales and returns on days before today, some on the same day, in EUR or USD.
    struct Purchase {
        var day: Int
        var hour: Int
        var minor: Int64
        var isReturn: Bool
        var currency: Currency
    }

    @Test("property: for random histories the SQL metrics equal a straightforward Swift computation", arguments: [1, 2, 3] as [UInt64])
    func property(seed: UInt64) async throws {
        try await withTestDatabase { db in
            var random = SplitMix64(seed: seed)
            var histories: [String: [Purchase]] = [:]
            var lines: [PurchaseImportLine] = []
            let offsets = Array(-400...0)
            let dayTexts = try await db.days(offsets)
            func dayText(_ offset: Int) -> String { dayTexts[offset + 400] }
            for customer in 0..<12 {
                let name = "P\(customer)"
                var history: [Purchase] = []
                let count = Int(random.next() % 9) + 1
                var previous: Int?
                for _ in 0..<count {
                    // Often the same day as the one before, to test one visit per day.
                    let day: Int =
                        if let previous, random.next() % 4 == 0 { previous } else { -Int(random.next() % 400) }
                    previous = day
                    let purchase = Purchase(
                        day: day, hour: Int(random.next() % 24), minor: Int64(random.next() % 20_000),
                        isReturn: random.next() % 6 == 0, currency: random.next() % 5 == 0 ? .usDollar : .euro)
                    history.append(purchase)
                }
                histories[name] = history
                for (index, purchase) in history.enumerated() {
                    let amount = ImportDecimal(units: purchase.isReturn ? -max(purchase.minor, 1) : purchase.minor, scale: 2)
                    lines.append(
                        PurchaseImportLine(
                            line: lines.count + 2, receipt: "\(name)-\(index)", customer: name,
                            purchasedAt: try ImportTimestamp(
                                date: try CalendarDate(parsing: dayText(purchase.day)), hour: purchase.hour, minute: 7),
                            amount: amount, currency: purchase.currency))
                    if purchase.isReturn { histories[name]![index].minor = max(purchase.minor, 1) }
                }
            }
            try await db.store.importLines(lines)
            for (name, history) in histories.sorted(by: { $0.key < $1.key }) {
                let sales = history.filter { !$0.isReturn }
                let metrics = try await db.store.purchaseMetrics(try await db.member(externalID: name))
                guard !sales.isEmpty else {
                    #expect(metrics == nil, "\(name): \(history)")
                    continue
                }
                let metric = try #require(metrics, "\(name)")
                let days = Array(Set(sales.map(\.day))).sorted()
                let gaps = zip(days.dropFirst(), days).map { $0 - $1 }.sorted()
                #expect(metric.purchaseDays == days.count, "\(name)")
                #expect(metric.firstPurchase == dayText(days.first!) && metric.lastPurchase == dayText(days.last!), "\(name)")
                #expect(metric.receipts == sales.count && metric.returns == history.count - sales.count, "\(name)")
                let spend = history.filter { $0.currency == .euro }.reduce(Int64(0)) { $0 + ($1.isReturn ? -$1.minor : $1.minor) }
                #expect(metric.spend == spend && metric.averageSpend == spend / Int64(sales.count), "\(name)")
                #expect(metric.daysSinceLastPurchase == -days.last!, "\(name)")
                if gaps.isEmpty {
                    #expect(metric.medianGapDays == nil && metric.meanGapDays == nil && metric.expectedNextPurchase == nil, "\(name)")
                } else {
                    // Twice the median, so that it stays an integer.
                    let doubleMedian = gaps.count % 2 == 1 ? 2 * gaps[gaps.count / 2] : gaps[gaps.count / 2 - 1] + gaps[gaps.count / 2]
                    #expect(metric.medianGapDays == "\(doubleMedian / 2).\(doubleMedian % 2 == 0 ? "0" : "5")", "\(name): \(gaps)")
                    let hundredths = (gaps.reduce(0, +) * 100 * 2 + gaps.count) / (2 * gaps.count)  // half up, positive
                    let mean = "\(hundredths / 100).\(hundredths % 100 < 10 ? "0" : "")\(hundredths % 100)"
                    #expect(metric.meanGapDays == mean, "\(name): \(gaps)")
                    let expectedNext = days.last! + (doubleMedian + 1) / 2
                    let expectedText = try await db.days([expectedNext])[0]
                    #expect(metric.expectedNextPurchase == expectedText, "\(name)")
                }
            }
        }
    }
}
