import LoyaltyCore
import LoyaltyStore
import LoyaltyTesting
import Testing

@Suite("Reversals (PostgreSQL)", .timeLimit(.minutes(6)))
struct ReversalTests {
    @Test("partial refunds by amount take back exactly what was earned, cumulatively")
    func cumulativePartialRefunds() async throws {
        try await withTestDatabase { db in
            let member = try await db.newMember()
            let earn = try await db.store.earn(member, points: 99, purchase: try eur("99.99"), receipt: "R1", origin: admin)
            let entry = try #require(earn.entry)
            var reversed: Int64 = 0
            for refund in ["33.33", "33.33", "33.33"] {
                let result = try await db.store.reverse(earn: .entry(entry), extent: .amount(try eur(refund)), origin: admin)
                reversed += result.reversed ?? 0
            }
            #expect(reversed == 99)
            #expect(try await db.store.memberCard(member, terminal: nil).points == 0)
            let error = await #expect(throws: LoyaltyError.self) {
                try await db.store.reverse(earn: .entry(entry), extent: .amount(try eur("0.01")), origin: admin)
            }
            #expect(error?.code == .reversalLimit)
        }
    }

    @Test("a full reversal after a partial one takes the rest; a second full reversal is refused")
    func fullAfterPartial() async throws {
        try await withTestDatabase { db in
            let member = try await db.newMember()
            let earn = try await db.store.earn(member, points: 50, purchase: try eur("50.00"), receipt: nil, origin: admin)
            let entry = try #require(earn.entry)
            let part = try await db.store.reverse(earn: .entry(entry), extent: .amount(try eur("10.00")), origin: admin)
            #expect(part.reversed == 10)
            let rest = try await db.store.reverse(earn: .entry(entry), extent: .full, origin: admin)
            #expect(rest.reversed == 40)
            #expect(rest.points == 0)
            let error = await #expect(throws: LoyaltyError.self) {
                try await db.store.reverse(earn: .entry(entry), extent: .full, origin: admin)
            }
            #expect(error?.code == .reversalLimit)
        }
    }

    @Test("points already spent become a shortfall; the balance never goes negative")
    func shortfall() async throws {
        try await withTestDatabase { db in
            let member = try await db.newMember()
            let earn = try await db.store.earn(member, points: 30, purchase: try eur("30.00"), receipt: nil, origin: admin)
            _ = try await db.store.redeem(member, points: 25, receipt: nil, origin: admin)
            let result = try await db.store.reverse(earn: .entry(try #require(earn.entry)), extent: .full, origin: admin)
            #expect(result.reversed == 5)
            #expect(result.shortfall == 25)
            #expect(result.points == 0)
            let history = try await db.store.history(member, limit: 1)
            #expect(history.entries.first?.shortfall == 25)
        }
    }

    @Test("by points: never more than is left of the earn")
    func byPoints() async throws {
        try await withTestDatabase { db in
            let member = try await db.newMember()
            let earn = try await db.store.earn(member, points: 20, purchase: nil, receipt: nil, origin: admin)
            let entry = try #require(earn.entry)
            #expect(try await db.store.reverse(earn: .entry(entry), extent: .points(15), origin: admin).reversed == 15)
            let error = await #expect(throws: LoyaltyError.self) {
                try await db.store.reverse(earn: .entry(entry), extent: .points(6), origin: admin)
            }
            #expect(error?.code == .reversalLimit)
            let byAmount = await #expect(throws: LoyaltyError.self) {
                try await db.store.reverse(earn: .entry(entry), extent: .amount(try eur("1.00")), origin: admin)
            }
            #expect(byAmount?.code == .badArgument)
        }
    }

    @Test("only earns can be reversed; unknown entries are NOT_FOUND")
    func onlyEarns() async throws {
        try await withTestDatabase { db in
            let member = try await db.newMember()
            _ = try await db.store.earn(member, points: 20, purchase: nil, receipt: nil, origin: admin)
            let redeem = try await db.store.redeem(member, points: 5, receipt: nil, origin: admin)
            let redeemEntry: Int64 = try #require(redeem.entry)
            for entry: Int64 in [redeemEntry, 999_999] {
                let error = await #expect(throws: LoyaltyError.self) {
                    try await db.store.reverse(earn: .entry(entry), extent: .full, origin: admin)
                }
                #expect(error?.code == .notFound)
            }
        }
    }
}
