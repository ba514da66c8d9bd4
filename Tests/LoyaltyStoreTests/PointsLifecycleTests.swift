import LoyaltyCore
import LoyaltyStore
import LoyaltyTestSupport
import LoyaltyTesting
import PostgresNIO
import Testing

/// Pending points and expiry at the store, with the worked examples of docs/programme.md ("Pending
/// points" and "Expiry"): EUR:1/1.00, no tiers. Time passes with `TestDatabase.travel(days:)`.
@Suite("Pending and expiring points (PostgreSQL)", .timeLimit(.minutes(6)))
struct PointsLifecycleTests {
    @Test("worked example P1: a purchase's points are pending for the return window, then spendable")
    func pendingThenSpendable() async throws {
        try await withTestDatabase { db in
            let store = db.store(rules: try rules(pendingDays: 14))
            let carla = try await db.newMember("Carla", "Pending")
            let earn = try await store.earn(carla, points: 120, purchase: try eur("120.00"), receipt: nil, origin: admin)
            #expect(earn.points == 120 && earn.pending == 120)
            #expect(earn.availableOn == (try await db.dateText(daysFromToday: 14)))
            var card = try await store.memberCard(carla, terminal: nil)
            #expect(card.points == 120 && card.pending == 120 && card.spendable == 0)

            let refused = await #expect(throws: LoyaltyError.self) {
                try await store.redeem(carla, points: 50, receipt: nil, origin: admin)
            }
            #expect(refused?.code == .insufficientPoints)
            #expect(refused?.message.contains("0 of the balance of 120 points can be spent now") == true)

            // Explicit points are spendable at once; an administrator's correction may take pending points.
            _ = try await store.earn(carla, points: 10, purchase: nil, receipt: nil, origin: admin)
            #expect(try await store.redeem(carla, points: 10, receipt: nil, origin: admin).pending == 120)

            try await db.travel(days: 13)
            #expect(try await store.memberCard(carla, terminal: nil).spendable == 0)
            try await db.travel(days: 1)
            card = try await store.memberCard(carla, terminal: nil)
            #expect(card.points == 120 && card.pending == 0 && card.spendable == 120)
            let redeemed = try await store.redeem(carla, points: 50, receipt: nil, origin: admin)
            #expect(redeemed.points == 70 && redeemed.pending == 0)
            try await expectConsistent(db)
        }
    }

    @Test("worked example P2: a return inside the window cancels the pending points, not spendable ones")
    func returnInsideWindow() async throws {
        try await withTestDatabase { db in
            let store = db.store(rules: try rules(pendingDays: 14))
            let dan = try await db.newMember("Dan", "Returns")
            _ = try await store.earn(dan, points: 30, purchase: nil, receipt: nil, origin: admin)
            let earn = try await store.earn(dan, points: 80, purchase: try eur("80.00"), receipt: nil, origin: admin)
            let reversal = try await store.reverse(earn: .entry(try #require(earn.entry)), extent: .full, origin: admin)
            #expect(reversal.reversed == 80 && reversal.shortfall == 0 && reversal.points == 30)
            let card = try await store.memberCard(dan, terminal: nil)
            #expect(card.pending == 0 && card.spendable == 30)
            try await expectConsistent(db)
        }
    }

    @Test("worked example P3: lifetime expiry takes the oldest points first and expires each point once")
    func lifetimeExpiry() async throws {
        try await withTestDatabase { db in
            let store = db.store(rules: try rules(expiry: .lifetime(months: 12)))
            let eve = try await db.newMember("Eve", "Expiry")
            _ = try await store.earn(eve, points: 100, purchase: try eur("100.00"), receipt: nil, origin: admin)
            try await db.travel(days: 200)
            _ = try await store.earn(eve, points: 50, purchase: try eur("50.00"), receipt: nil, origin: admin)
            // The redemption spends the points that expire first.
            _ = try await store.redeem(eve, points: 30, receipt: nil, origin: admin)

            // Example P4: 160 days later the first 70 points expire within 30 days; the list says so.
            try await db.travel(days: 150)
            let soon = try await store.pointsExpiring(withinDays: 30)
            #expect(soon.map(\.member) == [try number(eve)])
            #expect(soon.first?.points == 70 && soon.first?.balance == 120)
            #expect(try await store.pointsExpiring(withinDays: 10).isEmpty)
            #expect(try await store.expirePoints(actor: "job") == ExpiryRun(members: 0, points: 0))

            try await db.travel(days: 20)
            #expect(try await store.memberCard(eve, terminal: nil).spendable == 50)
            #expect(try await store.expirePoints(actor: "job") == ExpiryRun(members: 1, points: 70))
            #expect(try await store.expirePoints(actor: "job") == ExpiryRun(members: 0, points: 0))
            let card = try await store.memberCard(eve, terminal: nil)
            #expect(card.points == 50 && card.spendable == 50)
            let (_, entries) = try await store.history(eve, limit: 1)
            #expect(entries.first?.kind == "expire" && entries.first?.points == -70)
            #expect(entries.first?.reason == "points past their expiry date")
            try await expectConsistent(db)
        }
    }

    @Test("worked example P5: inactivity expiry takes the whole balance of members idle for the period, only theirs")
    func inactivityExpiry() async throws {
        try await withTestDatabase { db in
            let store = db.store(rules: try rules(expiry: .inactivity(months: 6)))
            let finn = try await db.newMember("Finn", "Idle")
            let gus = try await db.newMember("Gus", "Active")
            _ = try await store.earn(finn, points: 40, purchase: try eur("40.00"), receipt: nil, origin: admin)
            _ = try await store.earn(gus, points: 40, purchase: try eur("40.00"), receipt: nil, origin: admin)
            try await db.travel(days: 100)
            _ = try await store.redeem(gus, points: 5, receipt: nil, origin: admin)
            // An administrator's adjustment is not the member's activity.
            _ = try await store.adjust(finn, points: 5, reason: "goodwill", actor: "alice")

            try await db.travel(days: 70)
            let soon = try await store.pointsExpiring(withinDays: 30)
            #expect(soon.map(\.member) == [try number(finn)] && soon.first?.points == 45)

            try await db.travel(days: 14)
            #expect(try await store.expirePoints(actor: "job") == ExpiryRun(members: 1, points: 45))
            #expect(try await store.memberCard(finn, terminal: nil).points == 0)
            #expect(try await store.memberCard(gus, terminal: nil).points == 35)
            #expect(try await store.expirePoints(actor: "job") == ExpiryRun(members: 0, points: 0))
            let (_, entries) = try await store.history(finn, limit: 1)
            #expect(entries.first?.reason == "no activity for 6 months")
            try await expectConsistent(db)
        }
    }

    @Test("with expiry 'never', lots dated under an earlier lifetime policy still expire; nothing else does")
    func policyChange() async throws {
        try await withTestDatabase { db in
            let lifetime = db.store(rules: try rules(expiry: .lifetime(months: 1)))
            let never = db.store(rules: .standard)
            let member = try await db.newMember()
            _ = try await lifetime.earn(member, points: 20, purchase: try eur("20.00"), receipt: nil, origin: admin)
            _ = try await never.earn(member, points: 30, purchase: try eur("30.00"), receipt: nil, origin: admin)
            try await db.travel(days: 400)
            #expect(try await never.expirePoints(actor: "job") == ExpiryRun(members: 1, points: 20))
            #expect(try await never.memberCard(member, terminal: nil).points == 30)
        }
    }

    @Test("two expiry jobs at once expire every due point exactly once")
    func concurrentJobs() async throws {
        try await withTestDatabase { db in
            let store = db.store(rules: try rules(expiry: .lifetime(months: 1)))
            var members: [MemberReference] = []
            for index in 0..<40 {
                let member = try await db.newMember("M\(index)", "Concurrent")
                _ = try await store.earn(member, points: Int64(index + 1), purchase: nil, receipt: nil, origin: admin)
                members.append(member)
            }
            try await db.travel(days: 40)
            let runs = try await withThrowingTaskGroup(of: ExpiryRun.self) { group in
                for _ in 0..<2 { group.addTask { try await store.expirePoints(actor: "job", batchSize: 7) } }
                return try await group.reduce(into: [ExpiryRun]()) { $0.append($1) }
            }
            #expect(runs.map(\.points).reduce(0, +) == (1...40).reduce(0, +))
            #expect(runs.map(\.members).reduce(0, +) == 40)
            #expect(try await db.scalar("select count(*)::int8 from point_entries where kind = 'expire'") == 40)
            try await expectConsistent(db)
        }
    }

    @Test("lots cannot be edited or created outside the ledger (LY405 from the guard)")
    func lotsGuarded() async throws {
        try await withTestDatabase { db in
            let member = try await db.newMember()
            _ = try await db.store.earn(member, points: 10, purchase: nil, receipt: nil, origin: admin)
            _ = try await db.store.redeem(member, points: 3, receipt: nil, origin: admin)
            for statement: PostgresQuery in [
                "update point_lots set remaining = 0",
                "update point_lots set remaining = remaining + 5",
                "delete from point_lots",
                // A lot for the redemption, which has none: no key or check stands in the way, only the guard.
                """
                insert into point_lots (entry_id, member_id, points, remaining, available_at)
                select id, member_id, 3, 3, now() from point_entries where kind = 'redeem'
                """,
            ] {
                let error = await #expect(throws: PSQLError.self) { try await db.client.query(statement, logger: db.logger) }
                #expect(error?.serverInfo?[.sqlState] == "LY405", "\(statement)")
            }
            #expect(try await db.scalar("select sum(remaining)::int8 from point_lots") == 7)
        }
    }

    @Test("settings: a lifetime shorter than the return window is refused")
    func rulesValidation() throws {
        expectError(.badArgument) { () throws(LoyaltyError) in _ = try PointRules(pendingDays: 60, expiry: .lifetime(months: 2)) }
        expectError(.badArgument) { () throws(LoyaltyError) in _ = try PointRules(pendingDays: 400) }
        expectError(.badArgument) { () throws(LoyaltyError) in _ = try PointExpiry(policy: "lifetime", months: nil) }
        expectError(.badArgument) { () throws(LoyaltyError) in _ = try PointExpiry(policy: "sometimes", months: 3) }
        expectError(.badArgument) { () throws(LoyaltyError) in _ = try ProgrammeRules(timeZone: "Europe/Berlin; drop") }
        #expect(try PointExpiry(policy: "inactivity", months: 18) == .inactivity(months: 18))
    }
}

/// Rules with the given points settings (standard tiers, UTC).
func rules(pendingDays: Int = 0, expiry: PointExpiry = .never) throws -> ProgrammeRules {
    try ProgrammeRules(points: PointRules(pendingDays: pendingDays, expiry: expiry))
}


private func number(_ member: MemberReference) throws -> String {
    guard case .number(let number) = member else { throw TestDatabaseQueryError.noRow }
    return number.digits
}

/// The ledger's invariants over the whole database: every balance equals the sum of its entries and
/// the sum of its lots' remaining points, and nothing is negative.
func expectConsistent(_ db: TestDatabase, sourceLocation: SourceLocation = #_sourceLocation) async throws {
    let broken = try await db.scalar(
        """
        select count(*)::int8 from point_accounts a
         where a.balance < 0
            or a.balance <> coalesce((select sum(points) from point_entries e where e.member_id = a.member_id), 0)
            or a.balance <> coalesce((select sum(remaining) from point_lots l where l.member_id = a.member_id), 0)
            or exists (select 1 from point_lots l where l.member_id = a.member_id and (l.remaining < 0 or l.remaining > l.points))
        """)
    #expect(broken == 0, "accounts whose balance disagrees with their entries or lots", sourceLocation: sourceLocation)
}
