import Logging
import LoyaltyCore
import LoyaltyStore
import LoyaltyTestSupport
import LoyaltyTesting
import PostgresNIO
import Testing

/// Qualification by spend and by calendar year, evaluation dates, grace days, downgrades and the evaluation
/// job (`loyalty_evaluate_tier`, `LoyaltyStore.evaluateTiers`). The worked examples 11–16 of
/// docs/programme.md are checked here with the same numbers (member 0 / silver 1000 / gold 3000 and, by
/// spend, silver 100000 / gold 300000 minor units).
///
/// Time is simulated: purchases of the past are written with SQL with their dates (the ledger's tables
/// are append-only, so they are inserted dated, never changed), and evaluation dates are set on
/// `member_tiers` directly.
@Suite("Tier evaluation (PostgreSQL)", .timeLimit(.minutes(5)))
struct TierEvaluationTests {
    // MARK: - Worked examples (docs/programme.md §4)

    @Test("worked example 11: at the evaluation date a member who no longer qualifies moves down one tier, then another")
    func oneStepAtATime() async throws {
        try await withTestDatabase { db in
            try await seedTiers(db)
            let store = try rulesStore(db, TierRules(downgradeSteps: 1))
            let olga = try await db.newMember("Olga", "Steps")
            _ = try await backdatedEarn(db, olga, base: 3200, monthsAgo: 13)
            _ = try await backdatedEarn(db, olga, base: 420, monthsAgo: 2)
            try await holdTier(db, olga, "gold", monthsAgo: 13, evaluationInDays: -3)
            #expect(try await store.memberCard(olga, terminal: nil).tier == "gold")

            let summary = try await store.evaluateTiers(actor: "job")
            #expect(summary == TierEvaluationSummary(evaluated: 1, downgraded: 1, dryRun: false))
            #expect(try await store.memberCard(olga, terminal: nil).tier == "silver")
            let evaluation = try await db.dateText(daysFromToday: -3)
            let history = try await db.store.tierHistory(olga)
            // The newest row; the one before it is her qualification for gold 13 months ago.
            try #require(history.count == 2)
            #expect(history[0].from == "gold" && history[0].to == "silver" && history[0].reason == "downgrade")
            #expect(history[0].note == "qualifying 420 of 3000 points at evaluation \(evaluation)")
            #expect(history[0].actor == "job" && history[0].entry == nil)
            // Silver holds until a new evaluation date, window-months from now.
            #expect(try await evaluationDate(db, olga) == (try await dateText(db, monthsFromToday: 12)))

            // Not due again: a second run changes nothing.
            #expect(try await store.evaluateTiers(actor: "job") == TierEvaluationSummary(dryRun: false))
            // At the next evaluation she still has 420: down to member.
            try await setEvaluation(db, olga, daysFromToday: 0)
            #expect(try await store.evaluateTiers(actor: "job").downgraded == 1)
            let again = try await db.store.tierHistory(olga)
            #expect(again.map { "\($0.from ?? "-")>\($0.to):\($0.reason)" } == ["silver>member:downgrade", "gold>silver:downgrade", "member>gold:qualified"])
            let today = try await db.dateText(daysFromToday: 0)
            #expect(again[0].note == "qualifying 420 of 1000 points at evaluation \(today)")
            // The lowest tier is never evaluated.
            try await setEvaluation(db, olga, daysFromToday: -1)
            #expect(try await store.evaluateTiers(actor: "job") == TierEvaluationSummary(dryRun: false))
        }
    }

    @Test("worked example 11 without a limit: straight to the tier qualified for, and never below it")
    func unlimitedSteps() async throws {
        try await withTestDatabase { db in
            try await seedTiers(db)
            let store = try rulesStore(db, TierRules(downgradeSteps: nil))
            let olga = try await db.newMember("Olga", "Steps")
            _ = try await backdatedEarn(db, olga, base: 3200, monthsAgo: 13)
            _ = try await backdatedEarn(db, olga, base: 420, monthsAgo: 2)
            try await holdTier(db, olga, "gold", monthsAgo: 13, evaluationInDays: -3)
            // Piet qualifies for silver: unlimited steps still stop there.
            let piet = try await db.newMember("Piet", "Floor")
            _ = try await backdatedEarn(db, piet, base: 1200, monthsAgo: 5)
            try await holdTier(db, piet, "gold", monthsAgo: 13, evaluationInDays: -3)

            let summary = try await store.evaluateTiers(actor: "job")
            #expect(summary == TierEvaluationSummary(evaluated: 2, downgraded: 2, dryRun: false))
            #expect(try await store.memberCard(olga, terminal: nil).tier == "member")
            #expect(try await store.memberCard(piet, terminal: nil).tier == "silver")
            #expect(try await db.store.tierHistory(olga).map { "\($0.from ?? "-")>\($0.to)" } == ["gold>member", "member>gold"])
            #expect(try await db.store.tierHistory(piet).first?.note?.hasPrefix("qualifying 1200 of 3000 points") == true)
        }
    }

    @Test("worked example 12: a member who still qualifies is confirmed with a new evaluation date; nothing before the date")
    func confirmedAndNotBeforeTheDate() async throws {
        try await withTestDatabase { db in
            try await seedTiers(db)
            let store = db.store
            let ada = try await db.newMember("Ada", "Kept")
            let crossing = try await purchase(store, ada, "1015.00")
            #expect(crossing.tier == "silver")
            // Reaching silver dated the evaluation window-months ahead.
            #expect(try await evaluationDate(db, ada) == (try await dateText(db, monthsFromToday: 12)))

            // The day before the evaluation date: nothing to do.
            try await setEvaluation(db, ada, daysFromToday: 1)
            #expect(try await store.evaluateTiers(actor: "job") == TierEvaluationSummary(dryRun: false))
            // On the date: she still has 1015 qualifying points, so she is confirmed.
            try await setEvaluation(db, ada, daysFromToday: 0)
            #expect(try await store.evaluateTiers(actor: "job") == TierEvaluationSummary(evaluated: 1, confirmed: 1, dryRun: false))
            #expect(try await evaluationDate(db, ada) == (try await dateText(db, monthsFromToday: 12)))
            #expect(try await store.memberCard(ada, terminal: nil).tier == "silver")
            #expect(try await store.tierHistory(ada).count == 1, "a confirmation is not a change of tier")
            #expect(try await db.scalar("select count(*)::int8 from audit_log where action = 'job.tiers'") == 2)
            #expect(
                try await db.scalar(
                    "select count(*)::int8 from audit_log where action = 'job.tiers' and actor = 'job' and (details->>'confirmed')::int = 1"
                ) == 1)
        }
    }

    @Test("worked example 13: the grace period: a member keeps the tier grace-days after the evaluation date")
    func gracePeriod() async throws {
        try await withTestDatabase { db in
            try await seedTiers(db)
            let store = try rulesStore(db, TierRules(graceDays: 30))
            let ben = try await db.newMember("Ben", "Grace")
            _ = try await backdatedEarn(db, ben, base: 900, monthsAgo: 3)
            try await holdTier(db, ben, "silver", monthsAgo: 13, evaluationInDays: -29)
            #expect(try await store.evaluateTiers(actor: "job") == TierEvaluationSummary(dryRun: false))
            #expect(try await store.memberCard(ben, terminal: nil).tier == "silver")

            // A purchase during the grace days that brings him back to 1000 is a confirmation at its end.
            let cara = try await db.newMember("Cara", "Grace")
            _ = try await backdatedEarn(db, cara, base: 900, monthsAgo: 3)
            try await holdTier(db, cara, "silver", monthsAgo: 13, evaluationInDays: -30)
            _ = try await purchase(store, cara, "100.00")

            try await setEvaluation(db, ben, daysFromToday: -30)
            let summary = try await store.evaluateTiers(actor: "job")
            #expect(summary == TierEvaluationSummary(evaluated: 2, confirmed: 1, downgraded: 1, dryRun: false))
            #expect(try await store.memberCard(ben, terminal: nil).tier == "member")
            #expect(try await store.memberCard(cara, terminal: nil).tier == "silver")
            // The note names the evaluation date, not the end of the grace days.
            let date = try await db.dateText(daysFromToday: -30)
            #expect(try await store.tierHistory(ben).first?.note == "qualifying 900 of 1000 points at evaluation \(date)")
        }
    }

    @Test("worked example 14: a tier set by hand with an end date is not evaluated before the day after it")
    func manualUntil() async throws {
        try await withTestDatabase { db in
            try await seedTiers(db)
            let store = db.store
            let linus = try await db.newMember("Linus", "Match")
            let until = try CalendarDate(parsing: try await db.dateText(daysFromToday: 30))
            _ = try await store.setMemberTier(linus, tier: try TierCode(parsing: "gold"), reason: "status match", until: until, actor: "alice")
            // Its evaluation is dated the day after the end date.
            #expect(try await evaluationDate(db, linus) == (try await db.dateText(daysFromToday: 31)))

            // Even with an evaluation date in the past, nothing happens up to and including the end date.
            try await setEvaluation(db, linus, daysFromToday: -10)
            for days in [10, 0] {
                try await setManualUntil(db, linus, daysFromToday: days)
                #expect(try await store.evaluateTiers(actor: "job") == TierEvaluationSummary(dryRun: false), "until +\(days)")
                #expect(try await store.memberCard(linus, terminal: nil).tier == "gold")
            }
            // The day after it: no qualifying points, down one tier; the manual setting is over.
            try await setManualUntil(db, linus, daysFromToday: -1)
            #expect(try await store.evaluateTiers(actor: "job").downgraded == 1)
            #expect(try await store.memberCard(linus, terminal: nil).tier == "silver")
            #expect(try await db.scalar("select count(*)::int8 from member_tiers where manual_until is not null or manual_reason is not null") == 0)
            #expect(try await store.tierHistory(linus).map(\.reason) == ["downgrade", "manual"])
        }
    }

    @Test("worked example 15: qualifying by spend: sales less returns in the spend currency, thresholds in minor units")
    func spendQualification() async throws {
        try await withTestDatabase { db in
            _ = try await db.store.seedTiers(
                try [
                    definition("member", rank: 0, threshold: 0), definition("silver", rank: 1, threshold: 100_000),
                    definition("gold", rank: 2, threshold: 300_000),
                ], actor: "test")
            let store = try rulesStore(db, TierRules(measure: .spend(Currency(code: "EUR"))))
            let eve = try await db.newMember("Eve", "Spender")

            let first = try await purchase(store, eve, "800.00")
            #expect(first.base == 800 && first.tier == "member" && first.nextTier == "silver" && first.toNext == 20_000)
            // Spend in another currency does not count.
            let dollars = try await store.earn(
                eve, points: 300, purchase: try Money(parsing: "300.00", currency: Currency(code: "USD")), receipt: nil, origin: admin)
            #expect(dollars.tier == "member" && dollars.toNext == 20_000)
            let second = try await purchase(store, eve, "300.00")
            #expect(second.tier == "silver" && second.nextTier == "gold" && second.toNext == 190_000)

            // A return of 150.00 of the 800.00 takes it out again: 95000 of 100000.
            let refund = try await store.reverse(earn: .entry(try #require(first.entry)), extent: .amount(try eur("150.00")), origin: admin)
            #expect(refund.reversed == 150)
            let card = try await store.memberCard(eve, terminal: nil)
            #expect(card.tier == "silver" && card.toNext == 205_000)

            try await setEvaluation(db, eve, daysFromToday: 0)
            #expect(try await store.evaluateTiers(actor: "job").downgraded == 1)
            #expect(try await store.memberCard(eve, terminal: nil).tier == "member")
            let date = try await db.dateText(daysFromToday: 0)
            #expect(try await store.tierHistory(eve).first?.note == "qualifying 95000 of 100000 EUR (minor units) at evaluation \(date)")

            // A return counts at the time of its sale: a sale 13 months ago and its return leave the window together.
            let old = try await db.newMember("Old", "Sale")
            try await backdatedPurchase(db, old, minorUnits: 500_000, monthsAgo: 13, returnedMinorUnits: 200_000)
            try await backdatedPurchase(db, old, minorUnits: 120_000, monthsAgo: 1, returnedMinorUnits: 30_000)
            #expect(try await store.memberCard(old, terminal: nil).toNext == 10_000)
        }
    }

    @Test("worked example 16: the calendar year in the programme's time zone; at 1 January the year that ended counts")
    func calendarYear() async throws {
        try await withTestDatabase { db in
            try await seedTiers(db)
            let utc = try rulesStore(db, TierRules(period: .calendarYear))
            let auckland = db.store(rules: try ProgrammeRules(tiers: TierRules(period: .calendarYear), timeZone: "Pacific/Auckland"))
            let yuki = try await db.newMember("Yuki", "Year")
            // 01:00 on 1 January in Auckland is still 31 December in UTC (12:00 or 13:00).
            _ = try await backdatedEarn(
                db, yuki, base: 700,
                atSQL: "date_trunc('year', now() at time zone 'Pacific/Auckland') at time zone 'Pacific/Auckland' + interval '1 hour'")
            _ = try await backdatedEarn(db, yuki, base: 500, atSQL: "date_trunc('year', now() at time zone 'UTC') at time zone 'UTC' - interval '2 days'")
            #expect(try await utc.memberCard(yuki, terminal: nil).toNext == 1000)
            #expect(try await auckland.memberCard(yuki, terminal: nil).toNext == 300)
            let crossing = try await purchase(auckland, yuki, "300.00")
            #expect(crossing.tier == "silver")
            // Reached in the calendar year: evaluated on 1 January of the next one.
            #expect(try await evaluationDate(db, yuki) == (try await nextNewYear(db, zone: "Pacific/Auckland")))

            // At 1 January (simulated: the evaluation date set to this year's), the year that ended counts.
            let zoe = try await db.newMember("Zoe", "Kept")
            _ = try await backdatedEarn(db, zoe, base: 1100, atSQL: "date_trunc('year', now() at time zone 'UTC') at time zone 'UTC' - interval '40 days'")
            try await holdTier(db, zoe, "silver", monthsAgo: 14, evaluationOn: "date_trunc('year', now() at time zone 'UTC')::date")
            let mats = try await db.newMember("Mats", "Short")
            _ = try await backdatedEarn(db, mats, base: 900, atSQL: "date_trunc('year', now() at time zone 'UTC') at time zone 'UTC' - interval '40 days'")
            try await holdTier(db, mats, "silver", monthsAgo: 14, evaluationOn: "date_trunc('year', now() at time zone 'UTC')::date")
            // Neither has bought this year.
            #expect(try await utc.memberCard(zoe, terminal: nil).toNext == 3000)

            let summary = try await utc.evaluateTiers(actor: "job")
            #expect(summary == TierEvaluationSummary(evaluated: 2, confirmed: 1, downgraded: 1, dryRun: false))
            #expect(try await utc.memberCard(zoe, terminal: nil).tier == "silver")
            #expect(try await evaluationDate(db, zoe) == (try await nextNewYear(db, zone: "UTC")))
            #expect(try await utc.memberCard(mats, terminal: nil).tier == "member")
            let newYear = try await text(db, "select to_char(date_trunc('year', now() at time zone 'UTC'), 'YYYY-MM-DD')")
            #expect(try await utc.tierHistory(mats).first?.note == "qualifying 900 of 1000 points at evaluation \(newYear)")
        }
    }

    // MARK: - The job

    @Test("a dry run reports what would change and changes nothing; the audit log has one row per real run")
    func dryRun() async throws {
        try await withTestDatabase { db in
            try await seedTiers(db)
            let members = try await dueGoldMembers(db, count: 3)
            let before = try await db.scalar("select coalesce(sum(hashtext(m::text)), 0)::int8 from member_tiers m")
            let dry = try await db.store.evaluateTiers(actor: "job", dryRun: true)
            #expect(dry == TierEvaluationSummary(evaluated: 3, downgraded: 3, dryRun: true))
            #expect(try await db.scalar("select coalesce(sum(hashtext(m::text)), 0)::int8 from member_tiers m") == before)
            #expect(try await db.scalar("select count(*)::int8 from tier_changes where reason = 'downgrade'") == 0)
            #expect(try await db.scalar("select count(*)::int8 from audit_log where action = 'job.tiers'") == 0)

            let real = try await db.store.evaluateTiers(actor: "job")
            #expect(real == TierEvaluationSummary(evaluated: 3, downgraded: 3, dryRun: false))
            for member in members { #expect(try await db.store.memberCard(member, terminal: nil).tier == "silver") }
            #expect(
                try await db.scalar(
                    """
                    select count(*)::int8 from audit_log where action = 'job.tiers' and actor = 'job'
                       and details = '{"evaluated": 3, "confirmed": 0, "downgraded": 3, "upgraded": 0, "skipped": 0}'::jsonb
                    """) == 1)
            let error = await #expect(throws: LoyaltyError.self) { try await db.store.evaluateTiers(actor: "job", batchSize: 0) }
            #expect(error?.code == .badArgument)
        }
    }

    @Test("keyset batches: every due member is visited once, whatever the batch size; a second run does nothing", arguments: [1, 2, 7, 500])
    func batches(size: Int) async throws {
        try await withTestDatabase { db in
            try await seedTiers(db)
            _ = try await dueGoldMembers(db, count: 7)
            let notDue = try await db.newMember("Not", "Due")
            try await holdTier(db, notDue, "gold", monthsAgo: 1, evaluationInDays: 5)
            let first = try await db.store.evaluateTiers(actor: "job", batchSize: size)
            #expect(first == TierEvaluationSummary(evaluated: 7, downgraded: 7, dryRun: false))
            let second = try await db.store.evaluateTiers(actor: "job", batchSize: size)
            #expect(second == TierEvaluationSummary(dryRun: false))
            #expect(try await db.scalar("select count(*)::int8 from tier_changes where reason = 'downgrade'") == 7)
            #expect(try await db.store.memberCard(notDue, terminal: nil).tier == "gold")
        }
    }

    @Test("two jobs at once: each downgrade happens exactly once, and the runs' counts add up")
    func concurrentRuns() async throws {
        try await withTestDatabase { db in
            try await seedTiers(db)
            let members = try await dueGoldMembers(db, count: 40)
            let store = db.store
            async let first = store.evaluateTiers(actor: "job-a", batchSize: 5)
            async let second = store.evaluateTiers(actor: "job-b", batchSize: 5)
            let (a, b) = try await (first, second)
            #expect(a.downgraded + b.downgraded == 40)
            #expect(a.evaluated + b.evaluated == 40)
            #expect(a.confirmed + b.confirmed + a.upgraded + b.upgraded == 0)
            #expect(
                try await db.scalar(
                    """
                    select count(*)::int8 from (select member_id from tier_changes where reason = 'downgrade'
                                                 group by member_id having count(*) <> 1) twice
                    """) == 0)
            #expect(try await db.scalar("select count(*)::int8 from tier_changes where reason = 'downgrade'") == 40)
            for member in members { #expect(try await store.memberCard(member, terminal: nil).tier == "silver") }
            #expect(try await db.scalar("select count(*)::int8 from audit_log where action = 'job.tiers'") == 2)
            // And a third run, after both, finds nothing.
            #expect(try await store.evaluateTiers(actor: "job-c") == TierEvaluationSummary(dryRun: false))
        }
    }

    @Test("closed members are not evaluated; a tier set by hand below what the member qualifies for is raised")
    func closedAndRaised() async throws {
        try await withTestDatabase { db in
            try await seedTiers(db)
            let closed = try await db.newMember("Cleo", "Closed")
            try await holdTier(db, closed, "gold", monthsAgo: 13, evaluationInDays: -1)
            _ = try await db.store.setMemberStatus(closed, to: .closed, reason: "test", actor: "test")
            let raised = try await db.newMember("Rae", "Raised")
            _ = try await backdatedEarn(db, raised, base: 3100, monthsAgo: 1)
            _ = try await db.store.setMemberTier(raised, tier: try TierCode(parsing: "silver"), reason: "test", until: nil, actor: "test")
            try await setEvaluation(db, raised, daysFromToday: 0)
            let summary = try await db.store.evaluateTiers(actor: "job")
            #expect(summary == TierEvaluationSummary(evaluated: 1, upgraded: 1, dryRun: false))
            #expect(try await db.store.memberCard(raised, terminal: nil).tier == "gold")
            #expect(try await db.store.tierHistory(raised).first?.reason == "qualified")
            #expect(try await db.store.tierHistory(closed).map(\.reason) == ["qualified"])
        }
    }

    // MARK: - Property

    /// Random sequences of purchases (now and dated in the past), reversals, tiers set by hand and evaluations
    /// (random members made due, then the job): after every evaluation a member is never below the tier
    /// they qualify for, never more than downgrade-steps below where they were, and lands exactly where the
    /// rules say; members not due do not change; and the tier history is a chain (each change starts where
    /// the last ended, from the lowest tier) that ends in the member's tier.
    @Test("property: random earns, reversals and evaluations keep the evaluation rules", arguments: [(1, 1), (2, 2), (3, 0), (4, 1)] as [(UInt64, Int)])
    func randomSequences(seed: UInt64, steps: Int) async throws {
        try await withTestDatabase { db in
            let tiers = try [
                definition("member", rank: 0, threshold: 0), definition("silver", rank: 1, threshold: 300),
                definition("gold", rank: 2, threshold: 800), definition("platinum", rank: 3, threshold: 2000),
            ]
            _ = try await db.store.seedTiers(tiers, actor: "test")
            let store = try rulesStore(db, TierRules(downgradeSteps: steps == 0 ? nil : steps))
            let rankOf = Dictionary(uniqueKeysWithValues: tiers.map { ($0.code.value, $0.rank) })
            var random = SplitMix64(seed: seed)
            var members: [MemberReference] = []
            for index in 0..<4 { members.append(try await db.newMember("P\(index)", "Random")) }
            var earns: [Int64] = []
            var evaluations = 0

            for step in 0..<50 {
                let member = members[Int(random.next() % UInt64(members.count))]
                do {
                    switch random.next() % 6 {
                    case 0:
                        let amount = Money(minorUnits: Int64(random.next() % 150_000), currency: .euro)
                        let result = try await store.earn(
                            member, points: try EarnRates.standard.points(for: amount), purchase: amount, receipt: nil, origin: admin)
                        if let entry = result.entry { earns.append(entry) }
                    case 1:
                        earns.append(
                            try await backdatedEarn(db, member, base: Int64(random.next() % 1500), monthsAgo: Int(random.next() % 20)))
                    case 2:
                        guard !earns.isEmpty else { continue }
                        let earn = earns[Int(random.next() % UInt64(earns.count))]
                        let extent: ReversalExtent = random.next() % 2 == 0 ? .full : .points(Int64(random.next() % 400) + 1)
                        _ = try await store.reverse(earn: .entry(earn), extent: extent, origin: admin)
                    case 3:
                        let code = tiers[Int(random.next() % UInt64(tiers.count))].code
                        _ = try await store.setMemberTier(member, tier: code, reason: "property", until: nil, actor: "test")
                    default:
                        // Make some members due (others not), remember where everyone stands, and run the job.
                        var due: Set<MemberReference> = []
                        for candidate in members where random.next() % 2 == 0 {
                            if try await hasTierRow(db, candidate) {
                                try await setEvaluation(db, candidate, daysFromToday: -Int(random.next() % 3))
                                due.insert(candidate)
                            }
                        }
                        var before: [MemberReference: Int] = [:]
                        for candidate in members {
                            before[candidate] = rankOf[try await store.memberCard(candidate, terminal: nil).tier ?? ""] ?? -1
                        }
                        _ = try await store.evaluateTiers(actor: "job", batchSize: Int(random.next() % 3) + 1)
                        evaluations += 1
                        for candidate in members {
                            let was = before[candidate] ?? -1
                            let now = rankOf[try await store.memberCard(candidate, terminal: nil).tier ?? ""] ?? -1
                            let points = try await qualifyingPoints(db, candidate)
                            let reached = tiers.filter { $0.threshold <= points }.map(\.rank).max() ?? 0
                            guard due.contains(candidate), was > 0 else {
                                #expect(now == was, "step \(step): a member who was not due changed")
                                continue
                            }
                            #expect(now >= reached, "step \(step): below the tier qualified for (\(points) points)")
                            if steps > 0 { #expect(was - now <= steps, "step \(step): moved down \(was - now) tiers") }
                            let expected = reached >= was ? reached : max(reached, steps == 0 ? reached : was - steps)
                            #expect(now == expected, "step \(step): from \(was) with \(points) points")
                        }
                    }
                } catch let error as LoyaltyError {
                    #expect([.insufficientPoints, .reversalLimit].contains(error.code), "unexpected \(error)")
                }
                #expect(try await historyBreaks(db) == 0, "step \(step): the tier history is not a chain ending in the member's tier")
            }
            #expect(evaluations > 0)
            #expect(try await db.scalar("select count(*)::int8 from tier_changes where reason = 'downgrade'") > 0)
        }
    }
}

// MARK: - Helpers

/// The worked examples' tiers (multipliers do not matter here): member 0, silver 1000, gold 3000.
private func seedTiers(_ db: TestDatabase) async throws {
    _ = try await db.store.seedTiers(
        try [definition("member", rank: 0, threshold: 0), definition("silver", rank: 1, threshold: 1000), definition("gold", rank: 2, threshold: 3000)],
        actor: "test")
}

private func definition(_ code: String, rank: Int, threshold: Int64) throws -> TierDefinition {
    try TierDefinition(
        code: TierCode(parsing: code), name: code.prefix(1).uppercased() + code.dropFirst(), rank: rank, threshold: threshold, multiplier: PointsMultiplier(percent: 100))
}

/// A store over the test database with these tier rules (UTC).
private func rulesStore(_ db: TestDatabase, _ tiers: TierRules) throws -> LoyaltyStore {
    db.store(rules: try ProgrammeRules(tiers: tiers))
}

/// A purchase in EUR at the standard base rate.
private func purchase(_ store: LoyaltyStore, _ member: MemberReference, _ amount: String) async throws -> LedgerResult {
    let money = try eur(amount)
    return try await store.earn(member, points: try EarnRates.standard.points(for: money), purchase: money, receipt: nil, origin: admin)
}

private func number(_ db: TestDatabase, _ member: MemberReference) async throws -> String {
    try await db.store.memberCard(member, terminal: nil).number
}

/// An earn of `base` points for a purchase `monthsAgo` months ago (entry and base item dated then).
private func backdatedEarn(_ db: TestDatabase, _ member: MemberReference, base: Int64, monthsAgo: Int) async throws -> Int64 {
    try await backdatedEarn(db, member, base: base, atSQL: "now() - make_interval(months => \(monthsAgo))")
}

/// An earn of `base` points dated at `atSQL`, a constant SQL expression of the test's (never input).
private func backdatedEarn(_ db: TestDatabase, _ member: MemberReference, base: Int64, atSQL: String) async throws -> Int64 {
    let number = try await number(db, member)
    let entry = try await db.scalar(
        """
        insert into point_entries (member_id, kind, points, balance_after, admin_actor, created_at)
        select id, 'earn', \(base), 0, 'backdated', \(unescaped: atSQL) from members where number = \(number)
        returning id
        """)
    try await db.client.query(
        """
        insert into point_entry_items (entry_id, item, points, member_id, counts_at)
        select id, 'base', points, member_id, created_at from point_entries where id = \(entry)
        """, logger: db.logger)
    return entry
}

/// A sale in EUR `monthsAgo` months ago, and a return of part of it (today), as the ledger records them.
private func backdatedPurchase(
    _ db: TestDatabase, _ member: MemberReference, minorUnits: Int64, monthsAgo: Int, returnedMinorUnits: Int64
) async throws {
    let number = try await number(db, member)
    let sale = try await db.scalar(
        """
        insert into purchases (member_id, amount_minor, currency, purchased_at, source)
        select id, \(minorUnits), 'EUR', now() - make_interval(months => \(monthsAgo)::int), 'admin' from members where number = \(number)
        returning id
        """)
    try await db.client.query(
        """
        insert into purchases (member_id, amount_minor, currency, source, kind, returns_purchase_id)
        select member_id, \(returnedMinorUnits), currency, 'admin', 'return', id from purchases where id = \(sale)
        """, logger: db.logger)
}

/// Puts the member in `code` as if they had reached it `monthsAgo` months ago, evaluated in `evaluationInDays`.
private func holdTier(_ db: TestDatabase, _ member: MemberReference, _ code: String, monthsAgo: Int, evaluationInDays: Int) async throws {
    try await holdTier(db, member, code, monthsAgo: monthsAgo, evaluationOn: "(now() at time zone 'UTC')::date + \(evaluationInDays)")
}

/// Puts the member in `code` since `monthsAgo` months, with the evaluation date `evaluationOn` (a constant SQL
/// expression of the test's), and records the change in the history as a qualification then.
private func holdTier(_ db: TestDatabase, _ member: MemberReference, _ code: String, monthsAgo: Int, evaluationOn: String) async throws {
    let number = try await number(db, member)
    try await db.client.query(
        """
        with m as (select id from members where number = \(number)), t as (select id from tiers where code = \(code)),
        held as (
            insert into member_tiers (member_id, tier_id, since, evaluation_on)
            select m.id, t.id, now() - make_interval(months => \(monthsAgo)::int), \(unescaped: evaluationOn) from m, t
            returning member_id, since
        )
        insert into tier_changes (member_id, from_tier_id, to_tier_id, reason, actor, at)
        select held.member_id, (select id from tiers order by rank limit 1), t.id, 'qualified', 'backdated', held.since from held, t
        """, logger: db.logger)
}

/// `count` members in gold since 13 months ago with 1200 qualifying points and an evaluation due yesterday.
private func dueGoldMembers(_ db: TestDatabase, count: Int) async throws -> [MemberReference] {
    var members: [MemberReference] = []
    for index in 0..<count {
        let member = try await db.newMember("Due\(index)", "Gold")
        _ = try await backdatedEarn(db, member, base: 1200, monthsAgo: 2)
        try await holdTier(db, member, "gold", monthsAgo: 13, evaluationInDays: -1)
        members.append(member)
    }
    return members
}

private func setEvaluation(_ db: TestDatabase, _ member: MemberReference, daysFromToday days: Int) async throws {
    let number = try await number(db, member)
    try await db.client.query(
        """
        update member_tiers set evaluation_on = (now() at time zone 'UTC')::date + \(days)::int
         where member_id = (select id from members where number = \(number))
        """, logger: db.logger)
}

private func setManualUntil(_ db: TestDatabase, _ member: MemberReference, daysFromToday days: Int) async throws {
    let number = try await number(db, member)
    try await db.client.query(
        """
        update member_tiers set manual_until = (now() at time zone 'UTC')::date + \(days)::int
         where member_id = (select id from members where number = \(number))
        """, logger: db.logger)
}

private func hasTierRow(_ db: TestDatabase, _ member: MemberReference) async throws -> Bool {
    let number = try await number(db, member)
    return try await db.scalar(
        "select count(*)::int8 from member_tiers where member_id = (select id from members where number = \(number))") == 1
}

/// The member's evaluation date, YYYY-MM-DD.
private func evaluationDate(_ db: TestDatabase, _ member: MemberReference) async throws -> String? {
    let number = try await number(db, member)
    let rows = try await db.client.query(
        """
        select to_char(mt.evaluation_on, 'YYYY-MM-DD') from member_tiers mt join members m on m.id = mt.member_id
         where m.number = \(number)
        """, logger: db.logger)
    for try await text in rows.decode(String?.self) { return text }
    return nil
}

private func text(_ db: TestDatabase, _ query: PostgresQuery) async throws -> String {
    for try await value in try await db.client.query(query, logger: db.logger).decode(String.self) { return value }
    throw TestDatabaseQueryError.noRow
}


/// Today (UTC) plus `months`, as YYYY-MM-DD.
private func dateText(_ db: TestDatabase, monthsFromToday months: Int) async throws -> String {
    try await text(db, "select to_char((now() at time zone 'UTC')::date + make_interval(months => \(months)::int), 'YYYY-MM-DD')")
}

/// 1 January of next year in `zone`, as YYYY-MM-DD.
private func nextNewYear(_ db: TestDatabase, zone: String) async throws -> String {
    try await text(db, "select to_char(date_trunc('year', now() at time zone \(zone)) + interval '1 year', 'YYYY-MM-DD')")
}

/// Qualifying points over the last 12 months, summed here from the base items.
private func qualifyingPoints(_ db: TestDatabase, _ member: MemberReference) async throws -> Int64 {
    let number = try await number(db, member)
    return try await db.scalar(
        """
        select coalesce(sum(i.points), 0)::int8 from point_entry_items i join members m on m.id = i.member_id
         where m.number = \(number) and i.item = 'base' and i.counts_at > now() - interval '12 months'
        """)
}

/// Members whose tier history is not a chain: a change that does not start where the previous one ended
/// (the first from the lowest tier), or a last change that is not the member's tier.
private func historyBreaks(_ db: TestDatabase) async throws -> Int64 {
    try await db.scalar(
        """
        with lowest as (select id from tiers order by rank limit 1), chain as (
            select c.member_id, c.from_tier_id, c.to_tier_id, lag(c.to_tier_id) over w as previous,
                   row_number() over (partition by c.member_id order by c.id desc) as newest
              from tier_changes c
            window w as (partition by c.member_id order by c.id)
        )
        select count(*)::int8 from chain, lowest
         where chain.from_tier_id is distinct from coalesce(chain.previous, lowest.id)
            or (chain.newest = 1 and chain.to_tier_id <> (select mt.tier_id from member_tiers mt where mt.member_id = chain.member_id))
        """)
}
