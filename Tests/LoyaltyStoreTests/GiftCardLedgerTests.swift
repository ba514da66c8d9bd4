import LoyaltyCore
import LoyaltyStore
import LoyaltyTestSupport
import LoyaltyTesting
import PostgresNIO
import Testing

/// The gift-card ledger's invariants, enforced by the database: random sequences of activities against a
/// model, concurrent redemptions of one card, and direct writes that bypass the functions.
@Suite("Gift card ledger (PostgreSQL)", .timeLimit(.minutes(5)))
struct GiftCardLedgerTests {
    /// What the test expects of one card.
    struct Model {
        var balance: Int64 = 0
        var held: Int64 = 0
        var state = "inactive"
        var openHolds: [Int64: Int64] = [:]
        var paidWithCard: Int64 = 0
        var refunded: Int64 = 0
        var available: Int64 { balance - held }
    }

    @Test("property: over random activities a card's balance is the sum of its activities, never negative, and held money is never spent twice",
          arguments: [21, 22, 23])
    func randomSequences(seed: UInt64) async throws {
        try await withTestDatabase { db in
            let till = try await GiftTill.open(db)
            let cards = try await till.issue(3, amount: 1000)
            var models = Array(repeating: Model(), count: cards.count)
            var random = SplitMix64(seed: seed)
            let amount = { (random: inout SplitMix64) in Int64(random.next() % 1500) + 1 }

            for step in 0..<160 {
                let index = Int(random.next() % UInt64(cards.count))
                let card = cards[index]
                var model = models[index]
                let request = "s\(step)"
                let stateRefusal = Self.refusal(for: model.state)
                // What the model predicts: nil for success, or the refusal.
                var expected: LoyaltyError.Code?
                var applied: (inout Model, GiftCardResult) throws -> Void = { _, _ in }
                let call: () async throws -> GiftCardResult
                switch random.next() % 10 {
                case 0:
                    expected = model.state == "inactive" ? nil : stateRefusal
                    call = { try await till.run(.activate(amount: nil, member: nil, receipt: nil), card, request: request) }
                    applied = { model, _ in model.state = "active"; model.balance += 1000 }
                case 1:
                    let money = amount(&random)
                    expected = model.state == "active" ? nil : stateRefusal
                    call = { try await till.run(.load(cents(money), receipt: nil), card, request: request) }
                    applied = { model, _ in model.balance += money }
                case 2, 3:
                    let money = amount(&random)
                    let partial = random.next() % 2 == 0
                    let paid = partial ? min(money, model.available) : money
                    expected = model.state != "active" ? stateRefusal : (paid > model.available || paid <= 0 ? .insufficientFunds : nil)
                    call = { try await till.run(.redeem(cents(money), partial: partial, receipt: nil), card, request: request) }
                    applied = { model, result in
                        #expect(result.redeemed == paid && result.due == money - paid, "step \(step)")
                        model.balance -= paid
                        model.paidWithCard += paid
                    }
                case 4:
                    let money = amount(&random) / 3 + 1
                    expected = model.state != "active" ? stateRefusal : (money > model.paidWithCard - model.refunded ? .reversalLimit : nil)
                    call = { try await till.run(.refund(cents(money), receipt: nil), card, request: request) }
                    applied = { model, _ in model.balance += money; model.refunded += money }
                case 5, 6:
                    let money = amount(&random)
                    expected = model.state != "active" ? stateRefusal : (money > model.available ? .insufficientFunds : nil)
                    call = { try await till.run(.hold(cents(money), partial: false, receipt: nil), card, request: request) }
                    applied = { model, result in
                        model.held += money
                        model.openHolds[try #require(result.hold)] = money
                    }
                case 7:
                    guard let (hold, held) = model.openHolds.min(by: { $0.key < $1.key }) else { continue }
                    let captured = Int64(random.next() % UInt64(held)) + 1
                    call = { try await till.run(.capture(hold: hold, amount: cents(captured), receipt: nil), card, request: request) }
                    applied = { model, _ in
                        model.openHolds[hold] = nil
                        model.held -= held
                        model.balance -= captured
                        model.paidWithCard += captured
                    }
                case 8:
                    guard let (hold, held) = model.openHolds.max(by: { $0.key < $1.key }) else { continue }
                    call = { try await till.run(.release(hold: hold), card, request: request) }
                    applied = { model, _ in model.openHolds[hold] = nil; model.held -= held }
                default:
                    let block = random.next() % 2 == 0
                    expected = block ? (model.state == "active" ? nil : stateRefusal) : (model.state == "blocked" ? nil : stateRefusal)
                    call = {
                        _ = try await till.store.administerGiftCard(
                            .code(card.code), block ? .block : .unblock, reason: "property", actor: "test")
                        return try await till.balance(card)
                    }
                    applied = { model, _ in model.state = block ? "blocked" : "active" }
                }
                do {
                    let result = try await call()
                    #expect(expected == nil, "step \(step): succeeded, the model expected \(String(describing: expected))")
                    try applied(&model, result)
                } catch let error as LoyaltyError {
                    #expect(error.code == expected, "step \(step): \(error), the model expected \(String(describing: expected))")
                }
                models[index] = model
                // The cards have no PIN, so a blocked one still shows its money.
                let shown = try await till.balance(card)
                #expect(shown.balance == model.balance && shown.held == model.held && shown.state == model.state, "step \(step): \(shown) vs \(model)")
                #expect(try await inconsistentGiftCards(db) == 0, "step \(step)")
            }
            // The sequence reached every kind of activity a till or an administrator writes here.
            // …and a fair share of the steps wrote one (47 to 66 of 160 for these seeds; the rest were refusals the model predicted).
            #expect(try await db.scalar("select count(*)::int8 from gift_card_activities") > 40)
            #expect(try await db.scalar("select count(distinct kind)::int8 from gift_card_activities") == 9)
        }
    }

    /// The refusal a till gets for a card in `state` when the activity needs another.
    static func refusal(for state: String) -> LoyaltyError.Code {
        switch state {
        case "inactive": .cardInactive
        case "blocked": .cardBlocked
        case "closed": .cardClosed
        default: .cardActive
        }
    }

    @Test("many connections redeeming and holding one card at once never overspend it")
    func concurrentRedemptions() async throws {
        try await withTestDatabase { db in
            let till = try await GiftTill.open(db)
            let card = try #require(try await till.issue(amount: 10_000, active: true).first)
            let outcomes = try await withThrowingTaskGroup(of: Int64.self) { group in
                for index in 0..<24 {
                    group.addTask {
                        let operation: GiftCardOperation =
                            index % 3 == 0 ? .hold(cents(700), partial: false, receipt: nil) : .redeem(cents(700), partial: false, receipt: nil)
                        do {
                            _ = try await till.run(operation, card, request: "c\(index)")
                            return 700
                        } catch let error as LoyaltyError where error.code == .insufficientFunds {
                            return 0
                        }
                    }
                }
                return try await group.reduce(into: [Int64]()) { $0.append($1) }
            }
            let taken = outcomes.reduce(0, +)
            // 10,000 covers 14 requests of 7.00 and not 15.
            #expect(outcomes.filter { $0 > 0 }.count == 14 && taken == 9_800)
            let after = try await till.balance(card)
            #expect(after.balance - after.held == 10_000 - taken && after.available == 200)
            #expect(try await inconsistentGiftCards(db) == 0)
        }
    }

    @Test("the database refuses changes that bypass the activities: balances, states, deletions, edits")
    func directWritesRefused() async throws {
        try await withTestDatabase { db in
            let till = try await GiftTill.open(db)
            let card = try #require(try await till.issue(amount: 1000, active: true).first)
            // Each statement with the SQLSTATE that must refuse it.
            let statements: [(PostgresQuery, String)] = [
                ("update gift_cards set balance = balance + 1", "LY405"),
                ("update gift_cards set state = 'closed'", "LY405"),
                ("update gift_cards set held = 1", "LY405"),
                ("update gift_cards set code_last4 = 'ABCD'", "LY405"),
                ("delete from gift_cards", "LY405"),
                ("update gift_card_activities set amount = 5000", "LY405"),
                ("delete from gift_card_activities", "LY405"),
                ("truncate gift_card_activities cascade", "LY405"),
                ("insert into gift_cards (batch_id, code_hash, code_last4, currency, balance) select batch_id, sha256('x'), 'ABCD', 'EUR', 500 from gift_cards limit 1", "LY405"),
                // An activity that would overdraw the card, of the wrong shape, or that the state does not allow.
                ("insert into gift_card_activities (card_id, kind, amount, actor, reason) select id, 'adjust', -1001, 'x', 'y' from gift_cards", "23514"),
                ("insert into gift_card_activities (card_id, kind, amount, actor) select id, 'redeem', 0, 'x' from gift_cards", "23514"),
                ("insert into gift_card_activities (card_id, kind, amount, actor, reason) select id, 'unblock', 0, 'x', 'y' from gift_cards", "LY436"),
                ("insert into gift_card_activities (card_id, kind, amount, actor, reason) select id, 'close', -1, 'x', 'y' from gift_cards", "LY405"),
                // A colliding id must not change the card and then be dropped by ON CONFLICT.
                ("""
                insert into gift_card_activities (id, card_id, kind, amount, actor, reason) overriding system value
                select 1, id, 'adjust', 1000000, 'x', 'y' from gift_cards on conflict do nothing
                """, "LY405"),
            ]
            for (statement, state) in statements {
                do {
                    try await db.client.query(statement, logger: db.logger)
                    Issue.record("accepted: \(statement.sql)")
                } catch let error as PSQLError {
                    #expect(error.serverInfo?[.sqlState] == state, "\(statement.sql): \(String(reflecting: error))")
                }
            }
            _ = try await till.run(.hold(cents(600), partial: false, receipt: nil), card, request: "h1")
            do {
                try await db.client.query(
                    "insert into gift_card_activities (card_id, kind, amount, actor, reason) select id, 'adjust', -401, 'x', 'y' from gift_cards",
                    logger: db.logger)
                Issue.record("spent held money")
            } catch let error as PSQLError {
                #expect(error.serverInfo?[.constraintName] == "gift_cards_held_within_balance")
            }
            // A hold ended twice through ON CONFLICT must not free the held money.
            _ = try await till.run(.release(hold: try #require(try await db.scalar("select max(id)::int8 from gift_card_activities where kind = 'hold'"))), card, request: "x1")
            _ = try await till.run(.hold(cents(600), partial: false, receipt: nil), card, request: "h2")
            do {
                try await db.client.query(
                    """
                    insert into gift_card_activities (card_id, kind, amount, held_change, hold_id, actor)
                    select card_id, 'release', 0, -held_change, id, 'x' from gift_card_activities
                     where kind = 'hold' order by id limit 1
                    on conflict do nothing
                    """,
                    logger: db.logger)
                Issue.record("ended a hold twice")
            } catch let error as PSQLError {
                #expect(error.serverInfo?[.sqlState] == "LY439")
            }
            // What may change directly: the member link.
            try await db.client.query("update gift_cards set member_id = null, pin_failures = 0", logger: db.logger)
            let shown = try await till.balance(card)
            #expect(shown.balance == 1000 && shown.held == 600 && shown.state == "active")
            #expect(try await inconsistentGiftCards(db) == 0)
        }
    }
}
