import Logging
import LoyaltyCore
import LoyaltyStore
import LoyaltyTestSupport
import LoyaltyTesting
import PostgresNIO
import Testing

/// Tiers at the store: definitions, the itemised earn, qualification and upgrades, reversals item by item,
/// manual tiers and the tier history. The worked examples of docs/programme.md are checked here with the
/// same numbers (the programme member 0 / silver 1000 ×1.25 / gold 3000 ×1.5, EUR:1/1.00, 12 months).
@Suite("Tiers (PostgreSQL)", .timeLimit(.minutes(6)))
struct TierStoreTests {
    // MARK: - Worked examples (docs/programme.md)

    @Test("worked example: base rates and their rounding")
    func baseRateExamples() throws {
        let standard = EarnRates.standard
        #expect(try standard.points(for: eur("25.99")) == 25)
        #expect(try standard.points(for: eur("0.99")) == 0)
        #expect(try standard.points(for: eur("0")) == 0)
        #expect(try standard.points(for: Money(parsing: "1550", currency: .yen)) == 15)
        expectError(.badArgument) { () throws(LoyaltyError) in
            try standard.points(for: Money(parsing: "1000000.00", currency: Currency(code: "IDR")))
        }
        #expect(try EarnRate(parsing: "EUR:2/1.00").points(for: eur("25.99")) == 51)
        let dinar = try Currency(code: "BHD")
        #expect(try EarnRate(parsing: "BHD:1/1.000").points(for: Money(parsing: "2.999", currency: dinar)) == 2)
    }

    @Test("worked example: the tier bonus is rounded down on the purchase's base points (loyalty_percent_bonus)")
    func tierBonusExamples() async throws {
        let cases: [(multiplier: String, base: Int64, bonus: Int64)] = [
            ("1", 25, 0), ("1.25", 25, 6), ("1.5", 25, 12), ("2", 25, 25), ("1.25", 3, 0), ("1.25", 3000, 750),
        ]
        try await withTestDatabase { db in
            for (multiplier, base, bonus) in cases {
                let percent = try PointsMultiplier(parsing: multiplier).percent
                let computed = try await db.scalar("select loyalty_percent_bonus(\(base), \(percent)::int)::int8")
                #expect(computed == bonus, "\(multiplier) × \(base)")
            }
        }
    }

    @Test("worked examples 1–4: Ada crosses into silver, earns the silver bonus, is refunded in parts; no downgrade")
    func adaExamples() async throws {
        try await withTestDatabase { db in
            try await seedExampleTiers(db)
            let ada = try await db.newMember("Ada", "Lovelace")

            // Example 1: 990.00, then 25.99 crosses 1000 qualifying points; that earn's bonus is the old tier's.
            let first = try await purchase(db, ada, "990.00")
            #expect(first.base == 990 && first.tierBonus == 0 && first.earned == 990 && first.points == 990)
            #expect(first.tier == "member" && first.nextTier == "silver" && first.toNext == 10)
            let crossing = try await purchase(db, ada, "25.99")
            #expect(crossing.base == 25 && crossing.tierBonus == 0 && crossing.earned == 25 && crossing.points == 1015)
            #expect(crossing.tier == "silver" && crossing.nextTier == "gold" && crossing.toNext == 1985)
            let history = try await db.store.tierHistory(ada)
            try #require(history.count == 1)
            #expect(history[0].from == "member" && history[0].to == "silver" && history[0].reason == "qualified")
            #expect(history[0].entry == crossing.entry)
            #expect(history[0].actor == "test")
            #expect(history[0].note == nil)

            // Example 2: 25.99 as a silver member.
            let silver = try await purchase(db, ada, "25.99")
            #expect(silver.base == 25 && silver.tierBonus == 6 && silver.earned == 31 && silver.points == 1046)
            #expect(silver.tier == "silver" && silver.nextTier == "gold" && silver.toNext == 1960)
            let silverEntry = try #require(silver.entry)
            #expect(try await items(db, silverEntry) == ["base": 25, "tier": 6])

            // Example 3: 10.00 of the 25.99 refunded, then the remaining 15.99.
            let partial = try await db.store.reverse(earn: .entry(silverEntry), extent: .amount(try eur("10.00")), origin: admin)
            #expect(partial.reversed == 11 && partial.shortfall == 0 && partial.points == 1035)
            #expect(try await items(db, try #require(partial.entry)) == ["base": -9, "tier": -2])
            try await expectCard(db, ada, tier: "silver", next: "gold", toNext: 1969, points: 1035)
            #expect(try await qualifying(db, ada) == 1031)

            let rest = try await db.store.reverse(earn: .entry(silverEntry), extent: .amount(try eur("15.99")), origin: admin)
            #expect(rest.reversed == 20 && rest.shortfall == 0 && rest.points == 1015)
            #expect(try await items(db, try #require(rest.entry)) == ["base": -16, "tier": -4])
            try await expectCard(db, ada, tier: "silver", next: "gold", toNext: 1985, points: 1015)
            // Refunded in full: every item of the purchase is taken back exactly.
            #expect(try await netItems(db, earn: silverEntry) == ["base": 0, "tier": 0])

            // Example 4: the 990.00 purchase refunded in full; qualifying points fall to 25, the tier stays.
            let refund = try await db.store.reverse(earn: .entry(try #require(first.entry)), extent: .full, origin: admin)
            #expect(refund.reversed == 990 && refund.shortfall == 0 && refund.points == 25)
            #expect(try await items(db, try #require(refund.entry)) == ["base": -990])
            #expect(try await qualifying(db, ada) == 25)
            try await expectCard(db, ada, tier: "silver", next: "gold", toNext: 2975, points: 25)
            let after = try await purchase(db, ada, "25.99")
            #expect(after.base == 25 && after.tierBonus == 6 && after.earned == 31 && after.points == 56)
            #expect(after.tier == "silver" && after.toNext == 2950)
            #expect(try await db.store.tierHistory(ada).count == 1, "a reversal or a later earn changed the tier")
        }
    }

    @Test("worked example 5: Grace skips silver straight to gold; gold has no next tier; the gold bonus")
    func skipsATier() async throws {
        try await withTestDatabase { db in
            try await seedExampleTiers(db)
            let grace = try await db.newMember("Grace", "Hopper")
            let big = try await purchase(db, grace, "3200.00")
            #expect(big.base == 3200 && big.tierBonus == 0 && big.earned == 3200 && big.points == 3200)
            #expect(big.tier == "gold" && big.nextTier == nil && big.toNext == nil)
            let history = try await db.store.tierHistory(grace)
            #expect(history.map { "\($0.from ?? "-")>\($0.to):\($0.reason)" } == ["member>gold:qualified"])
            #expect(history.first?.entry == big.entry)
            try await expectCard(db, grace, tier: "gold", next: nil, toNext: nil, points: 3200)

            let next = try await purchase(db, grace, "25.99")
            #expect(next.base == 25 && next.tierBonus == 12 && next.earned == 37 && next.points == 3237)
            #expect(try await items(db, try #require(next.entry)) == ["base": 25, "tier": 12])
        }
    }

    @Test("worked examples 6 and 7: exactly at the threshold moves up, one point short does not; explicit points never count")
    func thresholdAndExplicitPoints() async throws {
        try await withTestDatabase { db in
            try await seedExampleTiers(db)
            let hugo = try await db.newMember("Hugo", "Exact")
            let exact = try await purchase(db, hugo, "1000.00")
            #expect(exact.base == 1000 && exact.tierBonus == 0 && exact.tier == "silver" && exact.nextTier == "gold")
            #expect(exact.toNext == 2000)
            let ida = try await db.newMember("Ida", "Short")
            let short = try await purchase(db, ida, "999.99")
            #expect(short.base == 999 && short.tier == "member" && short.nextTier == "silver" && short.toNext == 1)
            #expect(try await db.store.tierHistory(ida).isEmpty)

            // Example 7: explicit points: no itemisation, no bonus, no qualification.
            let bonus = try await db.store.earn(hugo, points: 50, purchase: nil, receipt: nil, origin: admin)
            #expect(bonus.earned == 50 && bonus.points == 1050 && bonus.base == nil && bonus.tierBonus == nil)
            #expect(bonus.tier == "silver" && bonus.toNext == 2000)
            #expect(try await items(db, try #require(bonus.entry)).isEmpty)
            let lots = try await db.store.earn(ida, points: 5000, purchase: nil, receipt: nil, origin: admin)
            #expect(lots.earned == 5000 && lots.tier == "member" && lots.toNext == 1)
            #expect(try await db.store.tierHistory(ida).isEmpty)
        }
    }

    @Test("worked example 8: a refund of spent points: the shortfall is claimed item by item too")
    func shortfallItems() async throws {
        try await withTestDatabase { db in
            try await seedExampleTiers(db)
            let sam = try await db.newMember("Sam", "Spender")
            _ = try await db.store.setMemberTier(sam, tier: try TierCode(parsing: "silver"), reason: "test", until: nil, actor: "test")
            let earn = try await purchase(db, sam, "25.99")
            #expect(earn.base == 25 && earn.tierBonus == 6 && earn.earned == 31 && earn.points == 31)
            _ = try await db.store.redeem(sam, points: 20, receipt: nil, origin: admin)
            let reversal = try await db.store.reverse(earn: .entry(try #require(earn.entry)), extent: .full, origin: admin)
            #expect(reversal.reversed == 11 && reversal.shortfall == 20 && reversal.points == 0)
            #expect(try await items(db, try #require(reversal.entry)) == ["base": -25, "tier": -6])
            #expect(try await qualifying(db, sam) == 0)
            try await expectCard(db, sam, tier: "silver", next: "gold", toNext: 3000, points: 0)
        }
    }

    @Test("worked example 9: the rolling window: a purchase 13 months ago no longer counts, nor does its refund")
    func rollingWindow() async throws {
        try await withTestDatabase { db in
            try await seedExampleTiers(db)
            let mia = try await db.newMember("Mia", "Window")
            let old = try await backdatedEarn(db, mia, base: 600, monthsAgo: 13)
            _ = try await backdatedEarn(db, mia, base: 500, monthsAgo: 11)
            let today = try await purchase(db, mia, "25.99")
            #expect(today.base == 25 && today.tierBonus == 0 && today.points == 1125)
            #expect(today.tier == "member" && today.nextTier == "silver" && today.toNext == 475)
            #expect(try await qualifying(db, mia) == 525)

            // The refund is dated at the earn it takes back: out of the window, so qualifying points stay.
            let refund = try await db.store.reverse(earn: .entry(old), extent: .full, origin: admin)
            #expect(refund.reversed == 600 && refund.points == 525)
            #expect(try await items(db, try #require(refund.entry)) == ["base": -600])
            #expect(try await qualifying(db, mia) == 525)
            try await expectCard(db, mia, tier: "member", next: "silver", toNext: 475, points: 525)
        }
    }

    @Test("the window length is the programme's: with 24 months the older purchase counts and qualifies")
    func configuredWindow() async throws {
        try await withTestDatabase { db in
            try await seedExampleTiers(db)
            let mia = try await db.newMember("Mia", "Window")
            _ = try await backdatedEarn(db, mia, base: 600, monthsAgo: 13)
            _ = try await backdatedEarn(db, mia, base: 500, monthsAgo: 11)
            let longWindow = LoyaltyStore(client: db.client, logger: db.logger, rules: try ProgrammeRules(tiers: TierRules(windowMonths: 24)))
            let shortCard = try await db.store.memberCard(mia, terminal: nil)
            #expect(shortCard.tier == "member" && shortCard.toNext == 500)
            let longCard = try await longWindow.memberCard(mia, terminal: nil)
            #expect(longCard.tier == "member" && longCard.toNext == 0)
            let earn = try await longWindow.earn(mia, points: 1, purchase: try eur("1.00"), receipt: nil, origin: admin)
            #expect(earn.tier == "silver" && earn.nextTier == "gold" && earn.toNext == 3000 - 1101)
        }
    }

    @Test("worked example 10: a tier set by hand, refused end dates, and an upgrade out of it")
    func manualTier() async throws {
        try await withTestDatabase { db in
            try await seedExampleTiers(db)
            let linus = try await db.newMember("Linus", "Match")
            let silver = try TierCode(parsing: "silver")
            let future = try CalendarDate(parsing: try await db.dateText(daysFromToday: 90))
            let set = try await db.store.setMemberTier(
                linus, tier: silver, reason: "status match from a partner programme", until: future, actor: "alice")
            #expect(set.tier == "silver")
            #expect(set.member == (try await db.store.memberCard(linus, terminal: nil)).number)
            try await expectCard(db, linus, tier: "silver", next: "gold", toNext: 3000, points: 0)
            let manual = try await db.store.tierHistory(linus)
            try #require(manual.count == 1)
            #expect(manual[0].from == "member" && manual[0].to == "silver" && manual[0].reason == "manual")
            #expect(manual[0].note == "status match from a partner programme" && manual[0].actor == "alice")
            #expect(manual[0].entry == nil)
            #expect(try await manualUntil(db, linus) == future.description)

            // The end date must be after today; an unknown tier is NOT_FOUND. Nothing changes.
            for days in [-1, 0] {
                let until = try CalendarDate(parsing: try await db.dateText(daysFromToday: days))
                let error = await #expect(throws: LoyaltyError.self) {
                    try await db.store.setMemberTier(linus, tier: try TierCode(parsing: "gold"), reason: "x", until: until, actor: "alice")
                }
                #expect(error?.code == .badArgument, "until \(until)")
            }
            let unknown = await #expect(throws: LoyaltyError.self) {
                try await db.store.setMemberTier(linus, tier: try TierCode(parsing: "diamond"), reason: "x", until: nil, actor: "alice")
            }
            #expect(unknown?.code == .notFound)
            #expect(try await db.store.tierHistory(linus).count == 1)
            #expect(try await manualUntil(db, linus) == future.description)

            let small = try await purchase(db, linus, "25.99")
            #expect(small.base == 25 && small.tierBonus == 6 && small.earned == 31 && small.toNext == 2975)
            // 3000.00 at silver: bonus 750; 3025 qualifying points reach gold, which ends the manual tier.
            let big = try await purchase(db, linus, "3000.00")
            #expect(big.base == 3000 && big.tierBonus == 750 && big.earned == 3750 && big.points == 3781)
            #expect(big.tier == "gold" && big.nextTier == nil && big.toNext == nil)
            let history = try await db.store.tierHistory(linus)
            #expect(history.map { "\($0.from ?? "-")>\($0.to):\($0.reason)" } == ["silver>gold:qualified", "member>silver:manual"])
            #expect(history.first?.entry == big.entry)
            #expect(try await manualUntil(db, linus) == nil)
            #expect(try await db.scalar("select count(*)::int8 from audit_log where action = 'tier.set'") == 1)
        }
    }

    // MARK: - Tier definitions

    @Test("tiers are added, listed by rank, updated and seeded by code; codes and ranks are unique")
    func tierDefinitions() async throws {
        try await withTestDatabase { db in
            // The lowest tier must need no points: a first tier with a threshold is refused.
            let noBase = await #expect(throws: LoyaltyError.self) {
                try await db.store.addTier(try definition("gold", rank: 2, threshold: 3000, multiplier: "1.5"), actor: "test")
            }
            #expect(noBase?.message == "the lowest tier must have threshold 0: every member starts in it")
            _ = try await db.store.addTier(try definition("member", rank: 0, threshold: 0, multiplier: "1"), actor: "test")
            let gold = try await db.store.addTier(try definition("gold", rank: 2, threshold: 3000, multiplier: "1.5"), actor: "test")
            #expect(gold.code == "gold" && gold.rank == 2 && gold.threshold == 3000 && gold.multiplierPercent == 150)
            #expect(try await db.store.listTiers().map(\.code) == ["member", "gold"])
            let misordered = await #expect(throws: LoyaltyError.self) {
                try await db.store.addTier(try definition("silver", rank: 1, threshold: 3000, multiplier: "1.25"), actor: "test")
            }
            #expect(misordered?.message == "tier thresholds must rise with rank")

            let sameCode = await #expect(throws: LoyaltyError.self) {
                try await db.store.addTier(try definition("gold", rank: 5, threshold: 5000, multiplier: "2"), actor: "test")
            }
            #expect(sameCode?.code == .alreadyExists)
            #expect(sameCode?.message == "a tier with this code already exists")
            let sameRank = await #expect(throws: LoyaltyError.self) {
                try await db.store.addTier(try definition("silver", rank: 2, threshold: 1000, multiplier: "1.25"), actor: "test")
            }
            #expect(sameRank?.code == .alreadyExists)
            #expect(sameRank?.message == "another tier has this rank")

            let updated = try await db.store.updateTier(
                code: try TierCode(parsing: "gold"), TierUpdate(threshold: 2500, multiplier: try PointsMultiplier(parsing: "1.75")),
                actor: "test")
            #expect(updated.threshold == 2500 && updated.multiplierPercent == 175 && updated.rank == 2 && updated.name == "Gold")
            let rankTaken = await #expect(throws: LoyaltyError.self) {
                try await db.store.updateTier(code: try TierCode(parsing: "gold"), TierUpdate(rank: 0), actor: "test")
            }
            #expect(rankTaken?.code == .alreadyExists)
            let missing = await #expect(throws: LoyaltyError.self) {
                try await db.store.updateTier(code: try TierCode(parsing: "silver"), TierUpdate(threshold: 1), actor: "test")
            }
            #expect(missing?.code == .notFound)
            let empty = await #expect(throws: LoyaltyError.self) {
                try await db.store.updateTier(code: try TierCode(parsing: "gold"), TierUpdate(), actor: "test")
            }
            #expect(empty?.code == .missingArgument)

            // Seeding updates by code and adds the rest.
            let seeded = try await db.store.seedTiers(try exampleTiers(), actor: "test")
            #expect(seeded.map(\.code) == ["member", "silver", "gold"])
            let listed = try await db.store.listTiers()
            #expect(listed.map(\.code) == ["member", "silver", "gold"])
            #expect(listed.map(\.threshold) == [0, 1000, 3000])
            #expect(listed.map(\.multiplierPercent) == [100, 125, 150])
            #expect(try await db.scalar("select count(*)::int8 from audit_log where action like 'tier.%'") == 4)
        }
    }

    @Test("a tier a member holds, or that a member's history names, cannot be removed; an unused one can")
    func removeTier() async throws {
        try await withTestDatabase { db in
            try await seedExampleTiers(db)
            _ = try await db.store.addTier(try definition("platinum", rank: 3, threshold: 10_000, multiplier: "2"), actor: "test")
            let member = try await db.newMember()
            _ = try await purchase(db, member, "1000.00")  // member → silver
            _ = try await purchase(db, member, "2000.00")  // silver → gold; silver is now only in the history
            for code in ["gold", "silver", "member"] {
                let error = await #expect(throws: LoyaltyError.self) {
                    try await db.store.removeTier(code: try TierCode(parsing: code), actor: "test")
                }
                #expect(error?.code == .badArgument, "\(code)")
            }
            let removed = try await db.store.removeTier(code: try TierCode(parsing: "platinum"), actor: "test")
            #expect(removed.code == "platinum")
            #expect(try await db.store.listTiers().map(\.code) == ["member", "silver", "gold"])
            let again = await #expect(throws: LoyaltyError.self) {
                try await db.store.removeTier(code: try TierCode(parsing: "platinum"), actor: "test")
            }
            #expect(again?.code == .notFound)
        }
    }

    @Test("the ladder: the lowest tier cannot be removed while others exist; a seed may reorder, or is refused whole")
    func ladder() async throws {
        try await withTestDatabase { db in
            try await seedExampleTiers(db)
            // Nobody holds `member` or names it, but without it `silver` would be the lowest tier and need 1000 points.
            let lowest = await #expect(throws: LoyaltyError.self) {
                try await db.store.removeTier(code: try TierCode(parsing: "member"), actor: "test")
            }
            #expect(lowest?.code == .badArgument)
            #expect(try await db.store.listTiers().map(\.code) == ["member", "silver", "gold"])

            // Silver and gold swap ranks (and thresholds) in one seed: checked at commit, not tier by tier.
            let swapped = try [
                definition("gold", rank: 1, threshold: 1000, multiplier: "1.5"),
                definition("silver", rank: 2, threshold: 3000, multiplier: "1.25"),
            ]
            _ = try await db.store.seedTiers(swapped, actor: "test")
            #expect(try await db.store.listTiers().map(\.code) == ["member", "gold", "silver"])

            // A seed that leaves thresholds falling with rank changes nothing.
            let broken = await #expect(throws: LoyaltyError.self) {
                try await db.store.seedTiers(
                    [try definition("gold", rank: 1, threshold: 5000, multiplier: "1.5"),
                     try definition("platinum", rank: 3, threshold: 10_000, multiplier: "2")], actor: "test")
            }
            #expect(broken?.code == .badArgument)
            let listed = try await db.store.listTiers()
            #expect(listed.map(\.code) == ["member", "gold", "silver"])
            #expect(listed.map(\.threshold) == [0, 1000, 3000])
        }
    }

    @Test("a closed member cannot be given a tier by hand; a suspended one can")
    func manualTierClosedMember() async throws {
        try await withTestDatabase { db in
            try await seedExampleTiers(db)
            let member = try await db.newMember()
            _ = try await db.store.setMemberStatus(member, to: .closed, reason: "test", actor: "test")
            let error = await #expect(throws: LoyaltyError.self) {
                try await db.store.setMemberTier(member, tier: try TierCode(parsing: "gold"), reason: "x", until: nil, actor: "test")
            }
            #expect(error?.code == .memberInactive)
            #expect(try await db.store.tierHistory(member).isEmpty)
            // A suspended member can be.
            let suspended = try await db.newMember("Sue", "Pended")
            _ = try await db.store.setMemberStatus(suspended, to: .suspended, reason: "test", actor: "test")
            _ = try await db.store.setMemberTier(suspended, tier: try TierCode(parsing: "gold"), reason: "x", until: nil, actor: "test")
            #expect(try await db.store.memberCard(suspended, terminal: nil).tier == "gold")
        }
    }

    @Test("without tiers: no tier, no bonus, base itemised, no history; setting a tier is NOT_FOUND")
    func noTiers() async throws {
        try await withTestDatabase { db in
            let member = try await db.newMember()
            let earn = try await purchase(db, member, "25.99")
            #expect(earn.base == 25 && earn.tierBonus == 0 && earn.earned == 25)
            #expect(earn.tier == nil && earn.nextTier == nil && earn.toNext == nil)
            #expect(try await items(db, try #require(earn.entry)) == ["base": 25])
            try await expectCard(db, member, tier: nil, next: nil, toNext: nil, points: 25)
            let error = await #expect(throws: LoyaltyError.self) {
                try await db.store.setMemberTier(member, tier: try TierCode(parsing: "silver"), reason: "x", until: nil, actor: "test")
            }
            #expect(error?.code == .notFound)
            #expect(try await db.store.tierHistory(member).isEmpty)
        }
    }

    @Test("a reversal by points of a purchase is itemised in proportion as well")
    func reversalByPoints() async throws {
        try await withTestDatabase { db in
            try await seedExampleTiers(db)
            let member = try await db.newMember()
            _ = try await db.store.setMemberTier(member, tier: try TierCode(parsing: "gold"), reason: "test", until: nil, actor: "test")
            // 100.00 at gold: base 100, bonus 50, earned 150.
            let earn = try await purchase(db, member, "100.00")
            #expect(earn.base == 100 && earn.tierBonus == 50 && earn.earned == 150)
            let entry = try #require(earn.entry)
            // 7 of 150: tier floor(50 × 7 / 150) = 2, base 5.
            let first = try await db.store.reverse(earn: .entry(entry), extent: .points(7), origin: admin)
            #expect(try await items(db, try #require(first.entry)) == ["base": -5, "tier": -2])
            // 8 more, 15 in all: tier floor(50 × 15 / 150) = 5 in all, so 3 now; base 5.
            let second = try await db.store.reverse(earn: .entry(entry), extent: .points(8), origin: admin)
            #expect(try await items(db, try #require(second.entry)) == ["base": -5, "tier": -3])
            let rest = try await db.store.reverse(earn: .entry(entry), extent: .full, origin: admin)
            #expect(rest.reversed == 135)
            #expect(try await items(db, try #require(rest.entry)) == ["base": -90, "tier": -45])
            #expect(try await netItems(db, earn: entry) == ["base": 0, "tier": 0])
        }
    }

    // MARK: - Property

    /// Random sequences of purchases, explicit earns, redemptions and reversals (full, by points, partial
    /// refunds) with tiers: the tier bonus is the multiplier of the tier before the earn, the tier after an
    /// earn is the highest one the qualifying points reach (never lower than before), nothing moves a
    /// member down, and the items of every entry add up to what it claims, are never claimed back beyond
    /// what was earned, and are claimed back exactly once an earn is reversed in full.
    @Test("property: random sequences with tiers keep the itemisation and tier rules", arguments: [1, 2, 3, 4])
    func randomSequences(seed: UInt64) async throws {
        try await withTestDatabase { db in
            let tiers = try [
                definition("member", rank: 0, threshold: 0, multiplier: "1"),
                definition("silver", rank: 1, threshold: 300, multiplier: "1.25"),
                definition("gold", rank: 2, threshold: 800, multiplier: "1.5"),
                definition("platinum", rank: 3, threshold: 2000, multiplier: "2.33"),
            ]
            _ = try await db.store.seedTiers(tiers, actor: "test")
            let byCode = Dictionary(uniqueKeysWithValues: tiers.map { ($0.code.value, $0) })
            var random = SplitMix64(seed: seed)
            var members: [MemberReference] = []
            for index in 0..<3 { members.append(try await db.newMember("M\(index)", "Random")) }
            _ = try await db.store.setMemberTier(members[2], tier: try TierCode(parsing: "silver"), reason: "test", until: nil, actor: "test")
            var ranks: [MemberReference: Int] = [:]
            for member in members { ranks[member] = byCode[try await db.store.memberCard(member, terminal: nil).tier ?? ""]?.rank }
            var earns: [(entry: Int64, cents: Int64?)] = []

            for step in 0..<60 {
                let member = members[Int(random.next() % UInt64(members.count))]
                do {
                    switch random.next() % 5 {
                    case 0, 1:
                        let cents = Int64(random.next() % 30_000)
                        let amount = Money(minorUnits: cents, currency: .euro)
                        let before = try #require(byCode[try await db.store.memberCard(member, terminal: nil).tier ?? ""])
                        let base = try EarnRates.standard.points(for: amount)
                        let result = try await db.store.earn(member, points: base, purchase: amount, receipt: nil, origin: admin)
                        let bonus = base * Int64(before.multiplier.percent - 100) / 100
                        #expect(result.base == base && result.tierBonus == bonus && result.earned == base + bonus, "step \(step)")
                        // The highest tier the qualifying points reach, unless the member is already higher.
                        let points = try await qualifying(db, member)
                        let reached = tiers.filter { $0.threshold <= points }.max { $0.rank < $1.rank }
                        let expected = [before, reached].compactMap { $0 }.max { $0.rank < $1.rank }
                        #expect(result.tier == expected?.code.value, "step \(step): \(points) qualifying points")
                        if let expected, let next = tiers.filter({ $0.rank > expected.rank }).min(by: { $0.rank < $1.rank }) {
                            #expect(result.nextTier == next.code.value && result.toNext == max(next.threshold - points, 0))
                        } else {
                            #expect(result.nextTier == nil && result.toNext == nil)
                        }
                        if let entry = result.entry { earns.append((entry, cents)) }
                    case 2:
                        let points = Int64(random.next() % 100) + 1
                        let result = try await db.store.earn(member, points: points, purchase: nil, receipt: nil, origin: admin)
                        #expect(result.earned == points && result.base == nil && result.tierBonus == nil)
                        if let entry = result.entry { earns.append((entry, nil)) }
                    case 3:
                        _ = try await db.store.redeem(member, points: Int64(random.next() % 150) + 1, receipt: nil, origin: admin)
                    default:
                        guard !earns.isEmpty else { continue }
                        let earn = earns[Int(random.next() % UInt64(earns.count))]
                        let extent: ReversalExtent =
                            switch (random.next() % 3, earn.cents) {
                            case (0, _): .full
                            case (1, _), (_, nil): .points(Int64(random.next() % 20) + 1)
                            case (_, let cents?):
                                .amount(Money(minorUnits: Int64(random.next() % UInt64(max(cents / 2, 1))) + 1, currency: .euro))
                            }
                        _ = try await db.store.reverse(earn: .entry(earn.entry), extent: extent, origin: admin)
                    }
                } catch let error as LoyaltyError {
                    #expect([.insufficientPoints, .reversalLimit].contains(error.code), "unexpected \(error)")
                }
                try await Self.checkItemInvariants(db)
                // Nothing in this sequence may move a member down.
                for member in members {
                    let rank = byCode[try await db.store.memberCard(member, terminal: nil).tier ?? ""]?.rank
                    #expect((rank ?? -1) >= (ranks[member] ?? -1), "step \(step): a member moved down")
                    ranks[member] = rank
                }
            }
            // The sequence did exercise what it checks.
            #expect(try await db.scalar("select count(*)::int8 from tier_changes where reason = 'qualified'") > 0)
            #expect(
                try await db.scalar(
                    """
                    select count(*)::int8 from point_entry_items i join point_entries e on e.id = i.entry_id
                     where e.kind = 'reverse' and i.item = 'tier'
                    """) > 0)
        }
    }

    static func checkItemInvariants(_ db: TestDatabase) async throws {
        #expect(
            try await db.scalar(
                """
                select count(*)::int8 from point_entries e
                  join (select entry_id, sum(points) as total from point_entry_items group by entry_id) i on i.entry_id = e.id
                 where i.total <> case e.kind when 'earn' then e.points else e.points - e.shortfall end
                """) == 0, "the items of an entry do not add up to its points (a reversal's: taken plus shortfall)")
        #expect(
            try await db.scalar(
                """
                select count(*)::int8 from point_entry_items i join point_entries e on e.id = i.entry_id
                 where e.kind not in ('earn', 'reverse') or (e.kind = 'earn' and i.points < 0)
                    or (e.kind = 'reverse' and i.points > 0) or i.member_id <> e.member_id
                """) == 0, "an item of the wrong sign, member or kind of entry")
        #expect(
            try await db.scalar(
                """
                select count(*)::int8 from point_entries e
                 where e.kind = 'earn'
                   and (e.purchase_id is null) = exists (select 1 from point_entry_items i where i.entry_id = e.id and i.item = 'base')
                """) == 0, "a purchase earn without a base item, or an explicit earn with items")
        #expect(
            try await db.scalar(
                """
                select count(*)::int8 from point_entries r join point_entries earn on earn.id = r.reverses_entry_id
                 where r.kind = 'reverse' and earn.points > 0 and -r.points + r.shortfall > 0
                   and exists (select 1 from point_entry_items where entry_id = earn.id)
                   and not exists (select 1 from point_entry_items where entry_id = r.id)
                """) == 0, "a reversal of an itemised earn was not itemised")
        #expect(
            try await db.scalar(
                """
                select count(*)::int8 from point_entry_items ri join point_entries r on r.id = ri.entry_id and r.kind = 'reverse'
                 where not exists (select 1 from point_entry_items ei where ei.entry_id = r.reverses_entry_id and ei.item = ri.item)
                """) == 0, "a reversal claimed an item its earn does not have")
        #expect(
            try await db.scalar(
                """
                select count(*)::int8 from point_entry_items ei join point_entries earn on earn.id = ei.entry_id and earn.kind = 'earn'
                 where ei.points + (select coalesce(sum(ri.points), 0) from point_entries r
                                      join point_entry_items ri on ri.entry_id = r.id and ri.item = ei.item
                                     where r.reverses_entry_id = earn.id) < 0
                """) == 0, "an item was claimed back beyond what the earn gave")
        #expect(
            try await db.scalar(
                """
                select count(*)::int8 from point_entry_items ei join point_entries earn on earn.id = ei.entry_id and earn.kind = 'earn'
                 where earn.points = (select coalesce(sum(-r.points + r.shortfall), 0) from point_entries r
                                       where r.reverses_entry_id = earn.id)
                   and ei.points + (select coalesce(sum(ri.points), 0) from point_entries r
                                      join point_entry_items ri on ri.entry_id = r.id and ri.item = ei.item
                                     where r.reverses_entry_id = earn.id) <> 0
                """) == 0, "an earn reversed in full did not get every item back exactly")
        #expect(
            try await db.scalar(
                """
                with parts as (
                    select r.reverses_entry_id as earn_id, ei.points as earned_item, coalesce(-ri.points, 0) as part,
                           -r.points + r.shortfall as claim,
                           (select coalesce(sum(-p.points + p.shortfall), 0) from point_entries p
                             where p.reverses_entry_id = r.reverses_entry_id and p.id < r.id) as claimed_before,
                           (select coalesce(sum(-pi.points), 0) from point_entries p
                              join point_entry_items pi on pi.entry_id = p.id and pi.item = ei.item
                             where p.reverses_entry_id = r.reverses_entry_id and p.id < r.id) as item_before
                      from point_entries r
                      join point_entry_items ei on ei.entry_id = r.reverses_entry_id
                      left join point_entry_items ri on ri.entry_id = r.id and ri.item = ei.item
                     where r.kind = 'reverse' and -r.points + r.shortfall > 0
                )
                select count(*)::int8 from parts join point_entries earn on earn.id = parts.earn_id
                 where abs(part - (earned_item - item_before)::numeric * claim / (earn.points - claimed_before)) >= 1
                """) == 0, "a reversal's part of an item is not its share of what was left, rounded down or up")
        #expect(
            try await db.scalar(
                """
                select count(*)::int8 from point_entry_items i join point_entries e on e.id = i.entry_id
                 where i.counts_at <> (select earn.created_at from point_entries earn
                                        where earn.id = case e.kind when 'reverse' then e.reverses_entry_id else e.id end)
                """) == 0, "an item does not count at the time of its earn")
    }
}

// MARK: - Helpers

/// The worked examples' programme: member 0 ×1, silver 1000 ×1.25, gold 3000 ×1.5.
private func exampleTiers() throws -> [TierDefinition] {
    try [
        definition("member", rank: 0, threshold: 0, multiplier: "1"),
        definition("silver", rank: 1, threshold: 1000, multiplier: "1.25"),
        definition("gold", rank: 2, threshold: 3000, multiplier: "1.5"),
    ]
}

private func seedExampleTiers(_ db: TestDatabase) async throws {
    _ = try await db.store.seedTiers(try exampleTiers(), actor: "test")
}

private func definition(_ code: String, rank: Int, threshold: Int64, multiplier: String) throws -> TierDefinition {
    try TierDefinition(
        code: TierCode(parsing: code), name: code.prefix(1).uppercased() + code.dropFirst(), rank: rank, threshold: threshold,
        multiplier: PointsMultiplier(parsing: multiplier))
}

/// A purchase in EUR, earning the standard base rate as the server computes it.
private func purchase(_ db: TestDatabase, _ member: MemberReference, _ amount: String) async throws -> LedgerResult {
    let money = try eur(amount)
    return try await db.store.earn(
        member, points: try EarnRates.standard.points(for: money), purchase: money, receipt: nil, origin: admin)
}

/// The items of a ledger entry.
private func items(_ db: TestDatabase, _ entry: Int64) async throws -> [String: Int64] {
    var items: [String: Int64] = [:]
    let rows = try await db.client.query("select item, points from point_entry_items where entry_id = \(entry)", logger: db.logger)
    for try await (item, points) in rows.decode((String, Int64).self) { items[item] = points }
    return items
}

/// What is left of each item of an earn after all its reversals.
private func netItems(_ db: TestDatabase, earn: Int64) async throws -> [String: Int64] {
    var items: [String: Int64] = [:]
    let rows = try await db.client.query(
        """
        select i.item, sum(i.points)::int8 from point_entry_items i join point_entries e on e.id = i.entry_id
         where e.id = \(earn) or e.reverses_entry_id = \(earn)
         group by i.item
        """, logger: db.logger)
    for try await (item, points) in rows.decode((String, Int64).self) { items[item] = points }
    return items
}

private func memberNumber(_ db: TestDatabase, _ member: MemberReference) async throws -> String {
    try await db.store.memberCard(member, terminal: nil).number
}

/// The member's qualifying points over the last `months`, summed here from the base items.
private func qualifying(_ db: TestDatabase, _ member: MemberReference, months: Int = 12) async throws -> Int64 {
    let number = try await memberNumber(db, member)
    return try await db.scalar(
        """
        select coalesce(sum(i.points), 0)::int8 from point_entry_items i join members m on m.id = i.member_id
         where m.number = \(number) and i.item = 'base' and i.counts_at > now() - make_interval(months => \(months)::int)
        """)
}

/// An earn of `base` points for a purchase made `monthsAgo` months ago, written with SQL (the store dates
/// everything now): the entry and its base item both dated then.
private func backdatedEarn(_ db: TestDatabase, _ member: MemberReference, base: Int64, monthsAgo: Int) async throws -> Int64 {
    let number = try await memberNumber(db, member)
    let entry = try await db.scalar(
        """
        insert into point_entries (member_id, kind, points, balance_after, admin_actor, created_at)
        select id, 'earn', \(base), 0, 'backdated', now() - make_interval(months => \(monthsAgo)::int) from members
         where number = \(number)
        returning id
        """)
    try await db.client.query(
        """
        insert into point_entry_items (entry_id, item, points, member_id, counts_at)
        select id, 'base', points, member_id, created_at from point_entries where id = \(entry)
        """, logger: db.logger)
    return entry
}

private func expectCard(
    _ db: TestDatabase, _ member: MemberReference, tier: String?, next: String?, toNext: Int64?, points: Int64,
    sourceLocation: SourceLocation = #_sourceLocation
) async throws {
    let card = try await db.store.memberCard(member, terminal: nil)
    #expect(card.tier == tier, sourceLocation: sourceLocation)
    #expect(card.nextTier == next, sourceLocation: sourceLocation)
    #expect(card.toNext == toNext, sourceLocation: sourceLocation)
    #expect(card.points == points, sourceLocation: sourceLocation)
}


/// The end date of the member's manual tier, if one is set.
private func manualUntil(_ db: TestDatabase, _ member: MemberReference) async throws -> String? {
    let number = try await memberNumber(db, member)
    let rows = try await db.client.query(
        """
        select to_char(mt.manual_until, 'YYYY-MM-DD') from member_tiers mt join members m on m.id = mt.member_id
         where m.number = \(number)
        """, logger: db.logger)
    for try await text in rows.decode(String?.self) { return text }
    return nil
}
