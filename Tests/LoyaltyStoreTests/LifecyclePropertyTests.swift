import LoyaltyCore
import LoyaltyStore
import LoyaltyTestSupport
import LoyaltyTesting
import Testing

/// Random sequences of purchases, explicit earns, redemptions, reversals, expiry runs and days passing,
/// with a return window and a lifetime expiry (and with tiers): after every step each balance equals the
/// sum of its entries and of its lots and is never negative; a redemption succeeds exactly when the
/// spendable points cover it and never touches pending points; an expiry run takes only expired points
/// (spendable and pending points are the same before and after) and a second run takes nothing.
@Suite("Ledger lifecycle properties (PostgreSQL)", .timeLimit(.minutes(5)))
struct LifecyclePropertyTests {
    @Test("property: random sequences keep the lifecycle invariants", arguments: [11, 12, 13, 14])
    func randomSequences(seed: UInt64) async throws {
        try await withTestDatabase { db in
            let store = db.store(rules: try rules(pendingDays: 5, expiry: .lifetime(months: 2)))
            _ = try await store.seedTiers(
                [
                    try TierDefinition(code: .init(parsing: "base"), name: "Base", rank: 0, threshold: 0, multiplier: .init(percent: 100)),
                    try TierDefinition(code: .init(parsing: "plus"), name: "Plus", rank: 1, threshold: 400, multiplier: .init(parsing: "1.5")),
                ], actor: "test")
            var random = SplitMix64(seed: seed)
            var members: [MemberReference] = []
            for index in 0..<3 { members.append(try await db.newMember("P\(index)", "Property")) }
            var earns: [Int64] = []

            for step in 0..<150 {
                let member = members[Int(random.next() % UInt64(members.count))]
                let before = try await store.memberCard(member, terminal: nil)
                switch random.next() % 8 {
                case 0, 1:
                    let amount = Money(minorUnits: Int64(random.next() % 20_000), currency: .euro)
                    let base = try EarnRates.standard.points(for: amount)
                    let result = try await store.earn(member, points: base, purchase: amount, receipt: nil, origin: admin)
                    #expect(result.pending == before.pending + (result.earned ?? 0), "step \(step): a purchase's points are pending")
                    if let entry = result.entry { earns.append(entry) }
                case 2:
                    let result = try await store.earn(member, points: Int64(random.next() % 50) + 1, purchase: nil, receipt: nil, origin: admin)
                    if let entry = result.entry { earns.append(entry) }
                case 3, 4:
                    let points = Int64(random.next() % 200) + 1
                    do {
                        let result = try await store.redeem(member, points: points, receipt: nil, origin: admin)
                        #expect(points <= before.spendable, "step \(step): redeemed \(points) of \(before.spendable) spendable")
                        #expect(result.pending == before.pending, "step \(step): a redemption never spends pending points")
                    } catch let error as LoyaltyError {
                        #expect(error.code == .insufficientPoints && points > before.spendable, "step \(step): \(error)")
                    }
                case 5:
                    guard !earns.isEmpty else { continue }
                    let entry = earns[Int(random.next() % UInt64(earns.count))]
                    let extent: ReversalExtent = random.next() % 2 == 0 ? .full : .points(Int64(random.next() % 30) + 1)
                    do {
                        _ = try await store.reverse(earn: .entry(entry), extent: extent, origin: admin)
                    } catch let error as LoyaltyError {
                        #expect([.reversalLimit, .badArgument].contains(error.code), "step \(step): \(error)")
                    }
                case 6:
                    var cards: [MemberCard] = []
                    for member in members { cards.append(try await store.memberCard(member, terminal: nil)) }
                    _ = try await store.expirePoints(actor: "job")
                    for (member, card) in zip(members, cards) {
                        let after = try await store.memberCard(member, terminal: nil)
                        #expect(after.spendable == card.spendable && after.pending == card.pending, "step \(step): expiry took live points")
                    }
                    #expect(try await store.expirePoints(actor: "job") == ExpiryRun(members: 0, points: 0), "step \(step)")
                    #expect(try await db.scalar("select count(*)::int8 from point_lots where remaining > 0 and expires_at <= now()") == 0)
                default:
                    try await db.travel(days: Int(random.next() % 20))
                }
                try await expectConsistent(db)
            }
        }
    }
}
