import Foundation
import LoyaltyCore
import LoyaltyStore
import LoyaltyTestSupport
import LoyaltyTesting
import PostgresNIO
import Testing

/// `report campaigns` on a hand-made send list (docs/campaigns.md, "Attribution").
@Suite("Campaign attribution (PostgreSQL)", .timeLimit(.minutes(6)))
struct CampaignAttributionTests {
    /// Four contacted members (A, B, C, D) and two held out (E, F) of campaign `spring`, contacted and sent an
    /// hour ago; window 30 days, cost 10.00 EUR. Then, within the window:
    ///
    /// - A buys 30.00 and 20.00 and returns 5.00 of the first: 45.00.
    /// - B buys 10.00. C buys 8.00 USD (a purchaser; no revenue in EUR). D buys nothing.
    /// - E buys 12.00 (and had bought 99.00 the day before the contact, which does not count).
    /// - F buys 40.00 31 days after the contact: outside the window, inside a 60-day one.
    /// - G, not in the campaign, buys 70.00.
    ///
    /// Contacted: 4 members, 3 purchasers, 55.00. Holdout: 2 members, 1 purchaser, 12.00.
    static func dataset(_ db: TestDatabase) async throws {
        let store = db.store
        var members: [String: MemberReference] = [:]
        for name in ["A", "B", "C", "D", "E", "F", "G"] { members[name] = try await db.newMember(name, "Buyer") }
        func buy(_ name: String, _ amount: String, currency: Currency = .euro) async throws -> LedgerResult {
            let money = try Money(parsing: amount, currency: currency)
            return try await store.earn(try #require(members[name]), points: 1, purchase: money, receipt: nil, origin: admin)
        }
        _ = try await buy("E", "99.00")
        try await db.travel(days: 1)
        _ = try await store.saveSegment(try SegmentName(parsing: "all"), description: "", filter: SegmentFilter(), replace: false, actor: "t")
        _ = try await store.addCampaign(
            try CampaignDefinition(
                code: RecordCode(parsing: "spring", argument: "code"), name: "Spring", channel: .email, segment: SegmentName(parsing: "all"),
                startsOn: nil, endsOn: nil, cost: eur("10.00"), holdoutPercent: 33, attributionDays: 30, promotion: nil),
            actor: "t")
        // The send list by hand, so that the arms are known: rows go in while the campaign is unsent.
        try await db.client.query(
            """
            insert into campaign_members (campaign_id, member_id, arm, contacted_at, address)
            select c.id, m.id, case when m.first_name in ('E', 'F') then 'holdout' else 'contacted' end,
                   case when m.first_name in ('E', 'F') then null else now() - interval '1 hour' end, null
              from campaigns c, members m where c.code = 'spring' and m.first_name in ('A', 'B', 'C', 'D', 'E', 'F')
            """,
            logger: db.logger)
        try await db.client.query(
            "update campaigns set sent_at = now() - interval '1 hour', sent_by = 't', segment_filter = '{}' where code = 'spring'",
            logger: db.logger)
        let first = try await buy("A", "30.00")
        _ = try await buy("A", "20.00")
        _ = try await store.reverse(earn: .entry(try #require(first.entry)), extent: .amount(try eur("5.00")), origin: admin)
        _ = try await buy("B", "10.00")
        _ = try await buy("C", "8.00", currency: .usDollar)
        _ = try await buy("E", "12.00")
        _ = try await buy("G", "70.00")
        try await db.travel(days: 31)
        _ = try await buy("F", "40.00")
    }

    @Test("both arms over the campaign's window: members, purchasers, revenue net of returns in the tracker currency")
    func attribution() async throws {
        try await withTestDatabase { db in
            try await Self.dataset(db)
            let report = try await db.store.campaignReport(code: nil, windowDays: nil)
            #expect(report.currency == "EUR")
            let spring = try #require(report.campaigns.first)
            #expect(report.campaigns.count == 1)
            #expect(spring.code == "spring" && spring.windowDays == 30 && spring.costMinor == 1000 && spring.costCurrency == "EUR")
            #expect(spring.contacted == CampaignArmFigures(members: 4, purchasers: 3, revenueMinor: 5500))
            #expect(spring.holdout == CampaignArmFigures(members: 2, purchasers: 1, revenueMinor: 1200))

            // A 60-day window takes in F's purchase.
            let wider = try #require(try await db.store.campaignReport(code: try RecordCode(parsing: "spring", argument: "c"), windowDays: 60).campaigns.first)
            #expect(wider.contacted == CampaignArmFigures(members: 4, purchasers: 3, revenueMinor: 5500))
            #expect(wider.holdout == CampaignArmFigures(members: 2, purchasers: 2, revenueMinor: 5200))

            // Unsent campaigns are not reported; an unknown one and a bad window are refused.
            _ = try await db.store.addCampaign(
                try CampaignDefinition(
                    code: RecordCode(parsing: "later", argument: "code"), name: "Later", channel: .sms, segment: SegmentName(parsing: "all"),
                    startsOn: nil, endsOn: nil, cost: eur("0"), promotion: nil),
                actor: "t")
            #expect(try await db.store.campaignReport(code: nil, windowDays: nil).campaigns.map(\.code) == ["spring"])
            await expectStoreError(.notFound) { _ = try await db.store.campaignReport(code: try RecordCode(parsing: "nope", argument: "c"), windowDays: nil) }
            await expectStoreError(.badArgument) { _ = try await db.store.campaignReport(code: nil, windowDays: 0) }
        }
    }
}
