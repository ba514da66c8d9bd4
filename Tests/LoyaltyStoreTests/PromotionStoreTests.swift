import Foundation
import LoyaltyCore
import LoyaltyStore
import LoyaltyTestSupport
import LoyaltyTesting
import PostgresNIO
import Testing

/// Promotions at the store, with the worked examples of docs/programme.md ("Promotions"): EUR:1/1.00,
/// promotions running today (UTC), and for example PR6 the example tiers.
@Suite("Promotions (PostgreSQL)", .timeLimit(.minutes(6)))
struct PromotionStoreTests {
    @Test("worked example PR1: double points add the base once more, itemised as the promotion")
    func doublePoints() async throws {
        try await withTestDatabase { db in
            let today = try await today(db)
            _ = try await db.store.addPromotion(try promotion("double-weekend", today, .multiplier(.init(parsing: "2"))), actor: "alice")
            let member = try await db.newMember()
            let earn = try await purchase(db.store, member, "25.99")
            #expect(earn.base == 25 && earn.tierBonus == 0 && earn.earned == 50)
            #expect(earn.promotions == [PromotionAward(code: "double-weekend", points: 25)])
            let record = try await db.store.promotion(code: try PromotionCode(parsing: "double-weekend"))
            #expect(record.awards == 1 && record.pointsAwarded == 25 && record.multiplierPercent == 200)
            // Explicit points are not a purchase: no promotion.
            let explicit = try await db.store.earn(member, points: 10, purchase: nil, receipt: nil, origin: admin)
            #expect(explicit.promotions == nil && explicit.earned == 10)
        }
    }

    @Test("worked example PR2: a first-purchase bonus rewards the first purchase only")
    func firstPurchase() async throws {
        try await withTestDatabase { db in
            let today = try await today(db)
            _ = try await db.store.addPromotion(
                try promotion("welcome", today, .points(200), condition: .firstPurchase), actor: "alice")
            let member = try await db.newMember()
            #expect(try await purchase(db.store, member, "10.00").earned == 210)
            #expect(try await purchase(db.store, member, "10.00").earned == 10)
        }
    }

    @Test("worked example PR3: a birthday-month bonus rewards members born in this month only")
    func birthdayMonth() async throws {
        try await withTestDatabase { db in
            let today = try await today(db)
            _ = try await db.store.addPromotion(
                try promotion("birthday", today, .points(50), condition: .birthdayMonth), actor: "alice")
            let born = try CalendarDate(year: 1990, month: today.month, day: 1)
            let other = try CalendarDate(year: 1990, month: today.month % 12 + 1, day: 1)
            let birthday = try await enroll(db, "Bea", born)
            let later = try await enroll(db, "Cal", other)
            let unknown = try await db.newMember("Dee", "Nobirthday")
            #expect(try await purchase(db.store, birthday, "10.00").earned == 60)
            #expect(try await purchase(db.store, later, "10.00").earned == 10)
            #expect(try await purchase(db.store, unknown, "10.00").earned == 10)
        }
    }

    @Test("worked example PR5: a minimum spend in one currency; other currencies never qualify")
    func minimumSpend() async throws {
        try await withTestDatabase { db in
            let today = try await today(db)
            _ = try await db.store.addPromotion(
                try promotion("big-basket", today, .points(100), minimumSpend: try eur("50.00")), actor: "alice")
            let member = try await db.newMember()
            #expect(try await purchase(db.store, member, "49.99").earned == 49)
            #expect(try await purchase(db.store, member, "50.00").earned == 150)
            let dollars = Money(minorUnits: 6000, currency: .usDollar)
            let usd = try await db.store.earn(member, points: 60, purchase: dollars, receipt: nil, origin: admin)
            #expect(usd.earned == 60)
        }
    }

    @Test("worked example PR6: tier bonus and promotions add up on the base; a refund takes back each part")
    func withTiersAndRefund() async throws {
        try await withTestDatabase { db in
            let today = try await today(db)
            _ = try await db.store.seedTiers(
                [
                    try TierDefinition(code: .init(parsing: "member"), name: "Member", rank: 0, threshold: 0, multiplier: .init(percent: 100)),
                    try TierDefinition(code: .init(parsing: "silver"), name: "Silver", rank: 1, threshold: 1000, multiplier: .init(parsing: "1.25")),
                ], actor: "test")
            _ = try await db.store.addPromotion(try promotion("double", today, .multiplier(.init(parsing: "2"))), actor: "alice")
            _ = try await db.store.addPromotion(try promotion("welcome", today, .points(20), condition: .firstPurchase), actor: "alice")
            let member = try await db.newMember()
            _ = try await db.store.setMemberTier(member, tier: .init(parsing: "silver"), reason: "test", until: nil, actor: "alice")
            let earn = try await purchase(db.store, member, "100.00")
            #expect(earn.base == 100 && earn.tierBonus == 25 && earn.earned == 245)
            #expect(earn.promotions == [PromotionAward(code: "double", points: 100), PromotionAward(code: "welcome", points: 20)])

            // Half the amount back: floor(245 × 50.00 / 100.00) = 122 points, each part in proportion,
            // rounded down (49, 12, 49, 9 = 119); the 3 missing go to the largest remainders: welcome
            // (.96), then base and double (.80 each, by name).
            let half = try await db.store.reverse(earn: .entry(try #require(earn.entry)), extent: .amount(try eur("50.00")), origin: admin)
            #expect(half.reversed == 122)
            #expect(half.tierBonus == 12 && half.base == 50)
            #expect(half.promotions == [PromotionAward(code: "double", points: 50), PromotionAward(code: "welcome", points: 10)])
            let rest = try await db.store.reverse(earn: .entry(try #require(earn.entry)), extent: .full, origin: admin)
            #expect(rest.reversed == 123 && rest.base == 50 && rest.tierBonus == 13)
            #expect(rest.promotions == [PromotionAward(code: "double", points: 50), PromotionAward(code: "welcome", points: 10)])
            let record = try await db.store.promotion(code: .init(parsing: "double"))
            #expect(record.awards == 1 && record.pointsAwarded == 0)
        }
    }

    @Test("worked example PR8: two fixed bonuses on a purchase of no base points are taken back point by point, never overshooting")
    func bonusesWithoutBase() async throws {
        try await withTestDatabase { db in
            let today = try await today(db)
            for code in ["p-a", "p-b"] {
                _ = try await db.store.addPromotion(try promotion(code, today, .points(50)), actor: "alice")
            }
            let member = try await db.newMember()
            let earn = try await purchase(db.store, member, "0.50")
            #expect(earn.base == 0 && earn.earned == 100)
            let entry = try #require(earn.entry)
            let first = try await db.store.reverse(earn: .entry(entry), extent: .points(1), origin: admin)
            #expect(first.reversed == 1 && first.base == 0 && first.promotions == [PromotionAward(code: "p-a", points: 1)])
            let second = try await db.store.reverse(earn: .entry(entry), extent: .points(1), origin: admin)
            #expect(second.base == 0 && second.promotions == [PromotionAward(code: "p-b", points: 1)])
            let rest = try await db.store.reverse(earn: .entry(entry), extent: .full, origin: admin)
            #expect(rest.reversed == 98 && rest.base == 0)
            #expect(rest.promotions == [PromotionAward(code: "p-a", points: 49), PromotionAward(code: "p-b", points: 49)])
        }
    }

    @Test("worked example PR7: a limit per member counts rewarded purchases; ended and future promotions give nothing")
    func limitsAndDates() async throws {
        try await withTestDatabase { db in
            let today = try await today(db)
            _ = try await db.store.addPromotion(try promotion("twice", today, .points(5), limit: 2), actor: "alice")
            let tomorrow = try CalendarDate(parsing: try await db.dateText(daysFromToday: 1))
            _ = try await db.store.addPromotion(
                try PromotionDefinition(code: .init(parsing: "later"), name: "Later", startsOn: tomorrow, endsOn: tomorrow,
                                        bonus: .points(1000)), actor: "alice")
            _ = try await db.store.addPromotion(try promotion("gone", today, .points(1000)), actor: "alice")
            _ = try await db.store.endPromotion(code: .init(parsing: "gone"), actor: "alice")
            let member = try await db.newMember()
            let earned = try await [purchase(db.store, member, "1.00"), purchase(db.store, member, "1.00"), purchase(db.store, member, "1.00")]
            #expect(earned.map(\.earned) == [6, 6, 1])
            let other = try await db.newMember("Other", "Member")
            #expect(try await purchase(db.store, other, "1.00").earned == 6)
            let active = try await db.store.listPromotions(includeEnded: false).map(\.code)
            #expect(Set(active) == ["twice", "later"])
            #expect(try await db.store.listPromotions(includeEnded: true).count == 3)
        }
    }

    @Test("definitions: duplicates, bad dates and bad bonuses are refused and change nothing; changes are audited")
    func definitions() async throws {
        try await withTestDatabase { db in
            let today = try await today(db)
            _ = try await db.store.addPromotion(try promotion("p1", today, .points(5)), actor: "alice")
            await #expect(throws: LoyaltyError.self) {
                try await db.store.addPromotion(try promotion("p1", today, .points(7)), actor: "alice")
            }
            expectError(.badArgument) { () throws(LoyaltyError) in
                _ = try PromotionDefinition(code: .init(parsing: "p2"), name: "P", startsOn: today,
                                            endsOn: try CalendarDate(year: 2000, month: 1, day: 1), bonus: .points(5))
            }
            expectError(.badArgument) { () throws(LoyaltyError) in _ = try promotion("p2", today, .multiplier(.init(parsing: "1"))) }
            expectError(.badArgument) { () throws(LoyaltyError) in _ = try promotion("p2", today, .points(0)) }
            expectError(.badArgument) { () throws(LoyaltyError) in _ = try PromotionCode(parsing: "Double Weekend") }
            expectError(.badArgument) { () throws(LoyaltyError) in _ = try promotion("p2", today, .points(1), limit: 0) }
            let updated = try await db.store.updatePromotion(
                code: .init(parsing: "p1"), try PromotionUpdate(name: "Renamed", limitPerMember: 3), actor: "bob")
            #expect(updated.name == "Renamed" && updated.limitPerMember == 3 && updated.bonusPoints == 5)
            let missing = await #expect(throws: LoyaltyError.self) {
                try await db.store.endPromotion(code: .init(parsing: "nope"), actor: "bob")
            }
            #expect(missing?.code == .notFound)
            #expect(try await db.scalar("select count(*)::int8 from promotions") == 1)
            #expect(
                try await db.scalar(
                    "select count(*)::int8 from audit_log where action in ('promo.add', 'promo.update') and subject = 'p1'") == 2)
        }
    }
}

private func today(_ db: TestDatabase) async throws -> CalendarDate {
    try CalendarDate(parsing: try await db.dateText())
}


/// A promotion running today only.
private func promotion(
    _ code: String, _ day: CalendarDate, _ bonus: PromotionBonus, condition: PromotionCondition = .any,
    minimumSpend: Money? = nil, limit: Int? = nil
) throws(LoyaltyError) -> PromotionDefinition {
    try PromotionDefinition(
        code: PromotionCode(parsing: code), name: code, startsOn: day, endsOn: day, condition: condition, bonus: bonus,
        minimumSpend: minimumSpend, limitPerMember: limit)
}

private func purchase(_ store: LoyaltyStore, _ member: MemberReference, _ amount: String) async throws -> LedgerResult {
    let money = try eur(amount)
    return try await store.earn(member, points: try EarnRates.standard.points(for: money), purchase: money, receipt: nil, origin: admin)
}

private func enroll(_ db: TestDatabase, _ first: String, _ birthDate: CalendarDate) async throws -> MemberReference {
    let result = try await db.store.enroll(
        NewMember(firstName: first, lastName: "Born", birthDate: birthDate), origin: admin)
    return .number(try MemberNumber(parsing: result.member))
}
