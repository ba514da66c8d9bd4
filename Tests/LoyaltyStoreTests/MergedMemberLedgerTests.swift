import LoyaltyCore
import LoyaltyStore
import LoyaltyTesting
import PostgresNIO
import Testing

/// After a merge, what the merged record earned still counts for the person: a reversal takes the points
/// from the kept member, qualifying points and promotion limits count the merged record's earns.
@Suite("Merged members' ledgers (PostgreSQL)", .timeLimit(.minutes(6)))
struct MergedMemberLedgerTests {
    func purchase(_ store: LoyaltyStore, _ member: MemberReference, _ amount: String) async throws -> LedgerResult {
        let money = try eur(amount)
        return try await store.earn(member, points: try EarnRates.standard.points(for: money), purchase: money, receipt: "R-\(amount)", origin: admin)
    }

    @Test("a reversal after the merge takes the points from the kept member, with its return; earlier partial reversals count")
    func reverseAfterMerge() async throws {
        try await withTestDatabase { db in
            let store = db.store
            let keep = try await db.newMember("Keep", "Reverse")
            let other = try await db.newMember("Other", "Reverse")
            let earn = try await purchase(store, other, "25.00")
            let entry = try #require(earn.entry)
            // A refund of 10.00 before the merge is booked on the record that earned.
            let partial = try await store.reverse(earn: .entry(entry), extent: .amount(try eur("10.00")), origin: admin)
            #expect(partial.reversed == 10 && partial.member == other.value)
            _ = try await store.earn(keep, points: 5, purchase: nil, receipt: nil, origin: admin)
            let merged = try await store.mergeMembers(keep: keep, other: other, reason: "dup", actor: "test")
            #expect(merged.balance == 20)

            let rest = try await store.reverse(earn: .entry(entry), extent: .full, origin: admin)
            #expect(rest.member == keep.value && rest.reversed == 15 && rest.shortfall == 0 && rest.points == 5)
            let keepID = try await db.scalar("select id from members where number = \(keep.value)")
            #expect(try await db.scalar("select member_id from point_entries where id = \(try #require(rest.entry))") == keepID)
            // Both returns are purchases of the person; the sale and returns net to nothing on the kept member.
            #expect(
                try await db.texts(
                    "select kind || ' ' || amount_minor from purchases where member_id = \(keepID) order by id") == [
                        "sale 2500", "return 1000", "return 1500",
                    ])
            let again = await #expect(throws: LoyaltyError.self) {
                try await store.reverse(earn: .entry(entry), extent: .full, origin: admin)
            }
            #expect(again?.code == .reversalLimit)
            try await expectConsistent(db)
        }
    }

    @Test("qualifying points count the merged record's earns, and its reversals after the merge")
    func qualifyingAfterMerge() async throws {
        try await withTestDatabase { db in
            try await db.client.query(
                "insert into tiers (code, name, rank, threshold) values ('member', 'Member', 0, 0), ('gold', 'Gold', 1, 1000)",
                logger: db.logger)
            let store = db.store
            let keep = try await db.newMember("Keep", "Tier")
            let other = try await db.newMember("Other", "Tier")
            let otherEarn = try await purchase(store, other, "600.00")
            _ = try await purchase(store, keep, "300.00")
            #expect(try await store.memberCard(keep, terminal: nil).toNext == 700)
            _ = try await store.mergeMembers(keep: keep, other: other, reason: "dup", actor: "test")
            #expect(try await store.memberCard(keep, terminal: nil).toNext == 100)
            _ = try await store.reverse(earn: .entry(try #require(otherEarn.entry)), extent: .points(200), origin: admin)
            #expect(try await store.memberCard(keep, terminal: nil).toNext == 300)
            // The next purchase that reaches the threshold moves the kept member up.
            _ = try await purchase(store, keep, "300.00")
            #expect(try await store.memberCard(keep, terminal: nil).tier == "gold")
        }
    }

    @Test("a promotion once per member is not earned again by the record another was merged into")
    func promotionLimitAcrossMerge() async throws {
        try await withTestDatabase { db in
            let store = db.store
            let today = try CalendarDate(parsing: try await db.dateText())
            _ = try await store.addPromotion(
                try PromotionDefinition(
                    code: PromotionCode(parsing: "once"), name: "Once", startsOn: today, endsOn: today, condition: .any,
                    bonus: .points(50), minimumSpend: nil, limitPerMember: 1),
                actor: "alice")
            let keep = try await db.newMember("Keep", "Promo")
            let other = try await db.newMember("Other", "Promo")
            let stranger = try await db.newMember("Stranger", "Promo")
            #expect(try await purchase(store, other, "10.00").earned == 60)
            // A chain: the record `other` was merged into is merged again; the award still counts.
            let middle = try await db.newMember("Middle", "Promo")
            _ = try await store.mergeMembers(keep: middle, other: other, reason: "dup", actor: "test")
            _ = try await store.mergeMembers(keep: keep, other: middle, reason: "dup", actor: "test")
            #expect(try await purchase(store, keep, "10.00").earned == 10)
            #expect(try await purchase(store, stranger, "10.00").earned == 60)
        }
    }
}
