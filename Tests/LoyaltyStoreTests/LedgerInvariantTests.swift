import LoyaltyCore
import LoyaltyStore
import LoyaltyTestSupport
import LoyaltyTesting
import PostgresNIO
import Testing

@Suite("Ledger invariants (PostgreSQL)", .timeLimit(.minutes(6)))
struct LedgerInvariantTests {
    @Test("entries cannot be updated, deleted or truncated")
    func appendOnly() async throws {
        try await withTestDatabase { db in
            let member = try await db.newMember()
            _ = try await db.store.earn(member, points: 10, purchase: nil, receipt: nil, origin: admin)
            for statement: PostgresQuery in [
                "update point_entries set points = 1000", "delete from point_entries", "truncate point_entries cascade",
            ] {
                await #expect(throws: PSQLError.self) { try await db.client.query(statement, logger: db.logger) }
            }
            #expect(try await db.scalar("select sum(points)::int8 from point_entries") == 10)
        }
    }

    @Test("a balance cannot be edited directly, only through entries")
    func balanceGuarded() async throws {
        try await withTestDatabase { db in
            let member = try await db.newMember()
            _ = try await db.store.earn(member, points: 10, purchase: nil, receipt: nil, origin: admin)
            await #expect(throws: PSQLError.self) {
                try await db.client.query("update point_accounts set balance = 1000000", logger: db.logger)
            }
            await #expect(throws: PSQLError.self) {
                try await db.client.query("delete from point_accounts", logger: db.logger)
            }
            #expect(try await db.scalar("select balance from point_accounts") == 10)
        }
    }

    @Test("an entry that would make a balance negative is refused by the database")
    func noNegativeBalance() async throws {
        try await withTestDatabase { db in
            let member = try await db.newMember()
            _ = try await db.store.earn(member, points: 5, purchase: nil, receipt: nil, origin: admin)
            // Bypass the functions: a raw insert still cannot overdraw the account.
            await #expect(throws: PSQLError.self) {
                try await db.client.query(
                    """
                    insert into point_entries (member_id, kind, points, balance_after, admin_actor)
                    select id, 'redeem', -6, 0, 'raw' from members
                    """, logger: db.logger)
            }
            let error = await #expect(throws: LoyaltyError.self) {
                try await db.store.redeem(member, points: 6, receipt: nil, origin: admin)
            }
            #expect(error?.code == .insufficientPoints)
            #expect(error?.message.contains("balance is 5") == true)
        }
    }

    @Test("balance_after is computed by the database, not taken from the caller")
    func balanceAfterFromTrigger() async throws {
        try await withTestDatabase { db in
            let member = try await db.newMember()
            _ = try await db.store.earn(member, points: 7, purchase: nil, receipt: nil, origin: admin)
            try await db.client.query(
                """
                insert into point_entries (member_id, kind, points, balance_after, admin_actor, reason)
                select id, 'adjust', 3, 999, 'raw', 'test' from members
                """, logger: db.logger)
            #expect(try await db.scalar("select balance_after from point_entries order by id desc limit 1") == 10)
            #expect(try await db.scalar("select balance from point_accounts") == 10)
        }
    }

    /// Random sequences of earn, redeem, adjust and reverse (in full, by points, by partial refunds): after
    /// every step the cached balance equals the sum of the entries, every entry's balance is the running sum,
    /// no earn is reversed beyond what it earned, refunds never exceed the purchase, a purchase refunded in
    /// full in parts takes back exactly what it earned, and every refund is recorded as a return.
    @Test("property: random operation sequences keep every invariant", arguments: [1, 2, 3, 4])
    func randomSequences(seed: UInt64) async throws {
        try await withTestDatabase { db in
            var random = SplitMix64(seed: seed)
            var members: [MemberReference] = []
            for index in 0..<3 { members.append(try await db.newMember("M\(index)", "Random")) }
            var earns: [(entry: Int64, cents: Int64)] = []
            var expected: [MemberReference: Int64] = [:]
            for _ in 0..<60 {
                let member = members[Int(random.next() % UInt64(members.count))]
                do {
                    switch random.next() % 4 {
                    case 0:
                        let cents = Int64(random.next() % 20_000)
                        let result = try await db.store.earn(
                            member, points: cents / 100, purchase: Money(minorUnits: cents, currency: Currency(code: "EUR")),
                            receipt: nil, origin: admin)
                        if let entry = result.entry { earns.append((entry, cents)) }
                        expected[member] = result.points
                    case 1:
                        let result = try await db.store.redeem(member, points: Int64(random.next() % 150) + 1, receipt: nil, origin: admin)
                        expected[member] = result.points
                    case 2:
                        let points = Int64(random.next() % 100) - 50
                        if points != 0 {
                            let result = try await db.store.adjust(member, points: points, reason: "property test", actor: "test")
                            expected[member] = result.points
                        }
                    default:
                        guard !earns.isEmpty else { continue }
                        let earn = earns[Int(random.next() % UInt64(earns.count))]
                        let extent: ReversalExtent =
                            switch random.next() % 3 {
                            case 0: .full
                            case 1: .points(Int64(random.next() % 10) + 1)
                            // A partial refund of up to half the purchase: several of them add up.
                            default:
                                .amount(Money(minorUnits: Int64(random.next() % UInt64(max(earn.cents / 2, 1))) + 1, currency: .euro))
                            }
                        let result = try await db.store.reverse(earn: .entry(earn.entry), extent: extent, origin: admin)
                        if let number = try? MemberNumber(parsing: result.member) { expected[.number(number)] = result.points }
                    }
                } catch let error as LoyaltyError {
                    // Refusals are part of the property: they must be the documented ones.
                    #expect([.insufficientPoints, .reversalLimit].contains(error.code), "unexpected \(error)")
                }
                try await Self.checkInvariants(db)
            }
            // The last balance each call reported is the one stored now.
            for (member, points) in expected {
                let card = try await db.store.memberCard(member, terminal: nil)
                #expect(card.points == points)
            }
        }
    }

    static func checkInvariants(_ db: TestDatabase) async throws {
        #expect(
            try await db.scalar(
                """
                select count(*)::int8 from point_accounts a
                 where a.balance <> coalesce((select sum(points) from point_entries e where e.member_id = a.member_id), 0)
                """) == 0, "cached balance differs from the sum of entries")
        #expect(
            try await db.scalar(
                """
                select count(*)::int8 from (
                    select balance_after, sum(points) over (partition by member_id order by id) as running
                      from point_entries) e
                 where e.balance_after <> e.running
                """) == 0, "an entry's balance_after is not the running sum of the member's entries")
        #expect(
            try await db.scalar(
                """
                select count(*)::int8 from point_entries earn join purchases p on p.id = earn.purchase_id
                 where earn.kind = 'earn'
                   and p.amount_minor < (select coalesce(sum(r.refund_minor), 0) from point_entries r
                                          where r.reverses_entry_id = earn.id)
                """) == 0, "a purchase was refunded beyond its amount")
        #expect(
            try await db.scalar(
                """
                select count(*)::int8 from point_entries earn join purchases p on p.id = earn.purchase_id
                 where earn.kind = 'earn'
                   and p.amount_minor = (select coalesce(sum(r.refund_minor), 0) from point_entries r
                                          where r.reverses_entry_id = earn.id)
                   and p.amount_minor > 0
                   and earn.points <> (select coalesce(sum(-r.points + r.shortfall), 0) from point_entries r
                                        where r.reverses_entry_id = earn.id)
                """) == 0, "a purchase refunded in full did not take back exactly what it earned")
        #expect(
            try await db.scalar(
                """
                select count(*)::int8 from point_entries r
                 where r.kind = 'reverse' and r.refund_minor > 0
                   and not exists (select 1 from purchases p where p.id = r.purchase_id and p.kind = 'return'
                                     and p.amount_minor = r.refund_minor)
                """) == 0, "a refund was not recorded as a return purchase")
        #expect(
            try await db.scalar(
                """
                select count(*)::int8 from point_entries earn
                 where earn.kind = 'earn'
                   and earn.points < (select coalesce(sum(-r.points + r.shortfall), 0) from point_entries r
                                       where r.reverses_entry_id = earn.id)
                """) == 0, "an earn was reversed beyond what it earned")
    }
}
