import LoyaltyCore
import LoyaltyStore
import LoyaltyTesting
import PostgresNIO
import Testing

/// `loyalty_check()` (`loyalty db check`): a consistent database passes every check, and each invariant
/// broken behind the database's back (as the superuser, with the triggers off or a constraint dropped) makes
/// the check named after it fail.
@Suite("Consistency check (PostgreSQL)", .timeLimit(.minutes(6)))
struct ConsistencyCheckStoreTests {
    /// A way to break one invariant, and the check that must then fail.
    struct Breakage: Sendable, CustomTestStringConvertible {
        let check: String
        /// One SQL statement (often a DO block) run as the superuser.
        let sql: String
        var testDescription: String { check }
    }

    /// Every check, each broken once. `replica` turns the triggers (append-only, guards, the ledger's
    /// own bookkeeping) off for the block; dropped constraints are what even that leaves standing.
    static let breakages: [Breakage] = [
        Breakage(check: "points.balance", sql: replica("update point_accounts set balance = balance + 7")),
        Breakage(
            check: "points.non-negative",
            sql: replica(
                """
                alter table point_accounts drop constraint point_accounts_balance_check;
                update point_accounts set balance = -1 where balance = 0
                """)),
        Breakage(
            check: "points.running-balance",
            sql: replica("update point_entries set balance_after = balance_after + 1 where id = (select min(id) from point_entries)")),
        Breakage(
            check: "points.lots-equal-balance",
            sql: replica("update point_lots set remaining = remaining - 1 where entry_id = (select min(entry_id) from point_lots where remaining > 0)")),
        Breakage(
            check: "points.lots-match-entries",
            sql: replica("update point_lots set points = points + 1 where entry_id = (select min(entry_id) from point_lots)")),
        Breakage(check: "points.reversals", sql: replica("update point_entries set shortfall = shortfall + 1000 where kind = 'reverse'")),
        Breakage(
            check: "points.items",
            sql: replica("update point_entry_items set points = points + 1 where item = 'base' and entry_id = (select min(entry_id) from point_entry_items)")),
        Breakage(check: "giftcards.balance", sql: replica("update gift_cards set balance = balance + 100")),
        Breakage(
            check: "giftcards.non-negative",
            sql: replica(
                """
                alter table gift_cards drop constraint gift_cards_held_within_balance;
                update gift_cards set held = balance + 1
                """)),
        Breakage(
            check: "giftcards.running-balance",
            sql: replica("update gift_card_activities set balance_after = balance_after + 1 where id = (select min(id) from gift_card_activities)")),
        Breakage(
            check: "giftcards.holds-ended-once",
            sql: replica(
                """
                alter table gift_card_activities drop constraint gift_card_activities_hold_id_key;
                insert into gift_card_activities (card_id, kind, amount, held_change, balance_after, held_after, hold_id, actor, reason)
                select card_id, 'release', 0, held_change, 0, 0, hold_id, 'test', 'twice' from gift_card_activities where kind = 'capture'
                """)),
        Breakage(check: "giftcards.open-holds", sql: replica("delete from gift_card_activities where kind = 'capture'")),
        Breakage(check: "giftcards.state", sql: replica("update gift_cards set state = 'blocked' where state = 'active'")),
        Breakage(check: "giftcards.currency", sql: replica("update gift_cards set currency = 'USD'")),
        Breakage(
            check: "requests.complete",
            sql: """
                insert into terminal_requests (terminal_id, request_id, verb, fingerprint, result)
                select id, 'broken', 'REDEEM', sha256('x'), '{}' from terminals limit 1
                """),
        Breakage(check: "requests.entries-recorded", sql: replica("delete from terminal_requests where request_id = 'r2'")),
        Breakage(
            check: "requests.recorded-entries",
            sql: """
                insert into terminal_requests (terminal_id, request_id, verb, fingerprint, result)
                select t.id, 'forged', 'EARN', sha256('x'), jsonb_build_object('entry', (select max(id) from point_entries where terminal_id is null))
                  from terminals t limit 1
                """),
        Breakage(check: "requests.activities-recorded", sql: replica("delete from terminal_requests where request_id = 'g1'")),
        Breakage(
            check: "requests.recorded-activities",
            sql: """
                insert into terminal_requests (terminal_id, request_id, verb, fingerprint, result)
                select id, 'forged', 'GIFT REDEEM', sha256('x'), '{"activity": 999999}' from terminals limit 1
                """),
        Breakage(check: "requests.voucher-uses", sql: replica("delete from terminal_requests where verb = 'USE'")),
        Breakage(check: "rewards.claims", sql: replica("update reward_claims set points = points + 1")),
        Breakage(
            check: "vouchers.used-once",
            sql: replica(
                """
                alter table voucher_uses drop constraint voucher_uses_voucher_id_key;
                insert into voucher_uses (voucher_id, terminal_id, request_id, receipt)
                select voucher_id, terminal_id, 'again', receipt from voucher_uses
                """)),
        Breakage(
            check: "tiers.history",
            sql: "update member_tiers set tier_id = (select id from tiers where code = 'member')"),
        Breakage(check: "members.merges", sql: replica("delete from member_merges")),
        Breakage(check: "points.transfers", sql: replica("update point_transfers set points = points + 1")),
    ]

    /// `body` run with the triggers off, as a superuser repairing (or breaking) data by hand would.
    static func replica(_ body: String) -> String {
        """
        do $break$ begin
            perform set_config('session_replication_role', 'replica', true);
            \(body);
        end $break$
        """
    }

    @Test("a consistent database with every kind of record passes every check; the check changes nothing")
    func consistentStatePasses() async throws {
        try await withTestDatabase { db in
            try await Self.consistentState(db)
            let before = try await db.scalar("select (select count(*) from point_entries) + (select count(*) from audit_log)")
            let checks = try await db.store.consistencyCheck()
            #expect(checks.count == Self.breakages.count, "\(checks.map(\.name))")
            #expect(Set(checks.map(\.name)) == Set(Self.breakages.map(\.check)))
            for check in checks {
                #expect(check.holds, "\(check.name): \(check.violations) violations, e.g. \(check.examples)")
                #expect(check.examples.isEmpty)
            }
            // Every check looked at something: a test that inspects nothing cannot fail.
            for check in checks { #expect(check.inspected > 0, "\(check.name) inspected nothing") }
            #expect(try await db.scalar("select (select count(*) from point_entries) + (select count(*) from audit_log)") == before)
        }
    }

    @Test("each invariant broken behind the database's back fails the check named after it", arguments: breakages)
    func brokenInvariantFails(_ breakage: Breakage) async throws {
        try await withTestDatabase { db in
            try await Self.consistentState(db)
            try #require(try await db.store.consistencyCheck().allSatisfy(\.holds))
            _ = try await db.client.query(PostgresQuery(unsafeSQL: breakage.sql), logger: db.logger)
            let checks = try await db.store.consistencyCheck()
            let failed = checks.filter { !$0.holds }
            let broken = try #require(checks.first { $0.name == breakage.check })
            #expect(!broken.holds, "\(breakage.check) still holds; failed: \(failed.map(\.name))")
            #expect(broken.violations > 0 && !broken.examples.isEmpty && broken.examples.count <= 5, "\(broken)")
        }
    }

    /// Points earned, redeemed, reversed in part, adjusted and spent on a reward whose voucher is used, all at
    /// a till; a member merged into another; points transferred to a third member; a tier reached; a gift card redeemed, held, captured, and held
    /// again (one hold open).
    static func consistentState(_ db: TestDatabase) async throws {
        let store = db.store
        let tiers = try [("member", 0, 0), ("silver", 1, 50)].map { (code: String, rank: Int, threshold: Int64) in
            try TierDefinition(code: TierCode(parsing: code), name: code, rank: rank, threshold: threshold, multiplier: PointsMultiplier(percent: 100))
        }
        _ = try await store.seedTiers(tiers, actor: "test")
        let till = try await GiftTill.open(db)
        func origin(_ request: String) throws -> Origin {
            .terminal(id: till.terminal, request: try RequestID(parsing: request), fingerprint: "test \(request)")
        }
        let ada = try await db.newMember("Ada", "Lovelace")
        let bob = try await db.newMember("Bob", "Babbage")
        _ = try await store.earn(ada, points: 100, purchase: Money(minorUnits: 10000, currency: .euro), receipt: "R1", origin: try origin("r1"))
        _ = try await store.redeem(ada, points: 30, receipt: "R2", origin: try origin("r2"))
        _ = try await store.reverse(
            earn: .request(try RequestID(parsing: "r1")), extent: .amount(Money(minorUnits: 1000, currency: .euro)), origin: try origin("r3"))
        _ = try await store.adjust(ada, points: 5, reason: "goodwill", actor: "test")
        _ = try await store.adjust(bob, points: 20, reason: "welcome", actor: "test")
        _ = try await store.mergeMembers(keep: ada, other: bob, reason: "one person", actor: "test")
        let cy = try await db.newMember("Cy", "Clerk")
        _ = try await store.transferPoints(from: ada, to: cy, points: 10, note: "household", requestID: nil, actor: "test")
        _ = try await store.addReward(
            try RewardDefinition(code: RewardCode(parsing: "coffee"), name: "Coffee", cost: 10, stock: 5, validFrom: nil, validUntil: nil, minimumTier: nil),
            actor: "test")
        let claim = try await store.claim(ada, reward: try RewardCode(parsing: "coffee"), origin: try origin("r4"))
        _ = try await store.useVoucher(claim.code, receipt: "R5", origin: try origin("r5"))

        let card = try #require(try await till.issue(amount: 2500, active: true).first)
        _ = try await till.run(.redeem(Money(minorUnits: 500, currency: .euro), partial: false, receipt: nil), card, request: "g1")
        let hold = try await till.run(.hold(Money(minorUnits: 1000, currency: .euro), partial: false, receipt: nil), card, request: "g2")
        _ = try await till.run(.capture(hold: try #require(hold.hold), amount: Money(minorUnits: 400, currency: .euro), receipt: nil), card, request: "g3")
        _ = try await till.run(.hold(Money(minorUnits: 300, currency: .euro), partial: false, receipt: nil), card, request: "g4")
    }
}
