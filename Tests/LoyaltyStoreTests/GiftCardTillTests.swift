import Foundation
import LoyaltyCore
import LoyaltyStore
import LoyaltyTestSupport
import LoyaltyTesting
import PostgresNIO
import Testing

/// The till's gift-card calls at the store, against PostgreSQL: the lifecycle, partial approval, holds,
/// refunds, PINs, failure counting and idempotency. (The protocol's replies are tested over TCP in
/// LoyaltyServerTests.)
@Suite("Gift cards at the till (PostgreSQL)", .timeLimit(.minutes(6)))
struct GiftCardTillTests {
    @Test("a printed card is sold at its value, spent, topped up and refunded; each step is one activity with its balance")
    func lifecycle() async throws {
        try await withTestDatabase { db in
            let till = try await GiftTill.open(db)
            let card = try #require(try await till.issue(amount: 2500).first)
            #expect(try await till.balance(card).state == "inactive")
            await expectStoreError(.cardInactive) { _ = try await till.run(.redeem(cents(100), partial: false, receipt: nil), card, request: "r0") }

            let sold = try await till.run(.activate(amount: nil, member: nil, receipt: "S-1"), card, request: "a1")
            #expect(sold.state == "active" && sold.balance == 2500 && sold.loaded == 2500 && sold.card == card.code.last4)
            await expectStoreError(.cardActive) { _ = try await till.run(.activate(amount: nil, member: nil, receipt: nil), card, request: "a2") }

            let spent = try await till.run(.redeem(cents(1999), partial: false, receipt: "R-1"), card, request: "r1")
            #expect(spent.redeemed == 1999 && spent.due == 0 && spent.balance == 501)
            let loaded = try await till.run(.load(cents(1000), receipt: nil), card, request: "l1")
            #expect(loaded.balance == 1501 && loaded.loaded == 1000)
            let refunded = try await till.run(.refund(cents(999), receipt: "RET-1"), card, request: "f1")
            #expect(refunded.balance == 2500 && refunded.refunded == 999)

            let activities = try await db.texts("select kind || ':' || amount || ':' || balance_after from gift_card_activities order by id")
            #expect(activities == ["activate:2500:2500", "redeem:-1999:501", "load:1000:1501", "refund:999:2500"])
            #expect(try await db.scalar("select count(*)::int8 from gift_card_activities where store_code = 'S1' and terminal_id is not null") == 4)
            #expect(try await inconsistentGiftCards(db) == 0)
        }
    }

    @Test("a card's printed value is the only value it can be sold at; a card without one needs an amount")
    func activationAmounts() async throws {
        try await withTestDatabase { db in
            let till = try await GiftTill.open(db)
            let printed = try #require(try await till.issue(amount: 2500).first)
            let wrong = await expectStoreError(.badArgument) {
                _ = try await till.run(.activate(amount: cents(3000), member: nil, receipt: nil), printed, request: "a1")
            }
            #expect(wrong?.message == "this gift card's value is 25.00 EUR")
            let open = try #require(try await till.issue(amount: nil).first)
            await expectStoreError(.badArgument) { _ = try await till.run(.activate(amount: nil, member: nil, receipt: nil), open, request: "a2") }
            let member = try await db.newMember()
            let sold = try await till.run(.activate(amount: cents(4200), member: member, receipt: nil), open, request: "a3")
            #expect(sold.balance == 4200 && sold.member == member.value)
            let yen = Money(minorUnits: 100, currency: .yen)
            let mismatch = await expectStoreError(.currencyMismatch) { _ = try await till.run(.load(yen, receipt: nil), open, request: "l1") }
            #expect(mismatch?.message == "the gift card is in EUR, not JPY")
        }
    }

    @Test("without partial approval an uncovered redemption is refused with the available amount; with it the card pays what it holds")
    func partialApproval() async throws {
        try await withTestDatabase { db in
            let till = try await GiftTill.open(db)
            let card = try #require(try await till.issue(amount: 1250, active: true).first)
            let refused = await expectStoreError(.insufficientFunds) {
                _ = try await till.run(.redeem(cents(2000), partial: false, receipt: nil), card, request: "r1")
            }
            #expect(refused?.message == "available 12.50 EUR, requested 20.00 EUR")
            #expect(try await till.balance(card).balance == 1250)
            let paid = try await till.run(.redeem(cents(2000), partial: true, receipt: nil), card, request: "r2")
            #expect(paid.redeemed == 1250 && paid.due == 750 && paid.balance == 0)
            await expectStoreError(.insufficientFunds) { _ = try await till.run(.redeem(cents(1), partial: true, receipt: nil), card, request: "r3") }
        }
    }

    @Test("a held amount cannot be spent, a hold is captured or released once, and a capture for less releases the rest")
    func holds() async throws {
        try await withTestDatabase { db in
            let till = try await GiftTill.open(db)
            let card = try #require(try await till.issue(amount: 5000, active: true).first)
            let hold = try await till.run(.hold(cents(4000), partial: false, receipt: nil), card, request: "h1")
            let holdID = try #require(hold.hold)
            #expect(hold.held == 4000 && hold.available == 1000 && hold.balance == 5000 && hold.heldAmount == 4000)
            await expectStoreError(.insufficientFunds) { _ = try await till.run(.redeem(cents(1001), partial: false, receipt: nil), card, request: "r1") }
            await expectStoreError(.insufficientFunds) { _ = try await till.run(.hold(cents(1001), partial: false, receipt: nil), card, request: "h2") }
            await expectStoreError(.badArgument) {
                _ = try await till.run(.capture(hold: holdID, amount: cents(4001), receipt: nil), card, request: "c0")
            }
            let captured = try await till.run(.capture(hold: holdID, amount: cents(3000), receipt: nil), card, request: "c1")
            #expect(captured.captured == 3000 && captured.released == 1000 && captured.balance == 2000 && captured.held == 0)
            await expectStoreError(.holdClosed) { _ = try await till.run(.capture(hold: holdID, amount: nil, receipt: nil), card, request: "c2") }
            await expectStoreError(.holdClosed) { _ = try await till.run(.release(hold: holdID), card, request: "c3") }
            let other = try #require(try await till.issue(amount: 100, active: true).first)
            await expectStoreError(.notFound) { _ = try await till.run(.release(hold: holdID), other, request: "c4") }

            let second = try await till.run(.hold(cents(500), partial: false, receipt: nil), card, request: "h3")
            let released = try await till.run(.release(hold: try #require(second.hold)), card, request: "c5")
            #expect(released.released == 500 && released.held == 0 && released.available == 2000)
            #expect(try await inconsistentGiftCards(db) == 0)
        }
    }

    @Test("a hold nobody captures is released after its time, when the card is next used")
    func holdTimesOut() async throws {
        try await withTestDatabase { db in
            let till = try await GiftTill.open(db, rules: try GiftCardRules(holdMinutes: 30))
            let card = try #require(try await till.issue(amount: 5000, active: true).first)
            let hold = try await till.run(.hold(cents(5000), partial: false, receipt: nil), card, request: "h1")
            try await db.travel(days: 1)
            let after = try await till.balance(card)
            #expect(after.held == 0 && after.available == 5000)
            let late = await expectStoreError(.holdClosed) {
                _ = try await till.run(.capture(hold: try #require(hold.hold), amount: nil, receipt: nil), card, request: "c1")
            }
            #expect(late?.message == "hold \(hold.hold ?? 0) was already released (it expired)")
        }
    }

    @Test("money comes back onto a card only up to what was paid with it")
    func refundLimit() async throws {
        try await withTestDatabase { db in
            let till = try await GiftTill.open(db)
            let card = try #require(try await till.issue(amount: 3000, active: true).first)
            await expectStoreError(.reversalLimit) { _ = try await till.run(.refund(cents(1), receipt: nil), card, request: "f0") }
            _ = try await till.run(.redeem(cents(1000), partial: false, receipt: nil), card, request: "r1")
            _ = try await till.run(.refund(cents(600), receipt: nil), card, request: "f1")
            let over = await expectStoreError(.reversalLimit) { _ = try await till.run(.refund(cents(401), receipt: nil), card, request: "f2") }
            #expect(over?.message == "a refund cannot exceed what was paid with the card (4.00 EUR left to refund)")
            #expect(try await till.run(.refund(cents(400), receipt: nil), card, request: "f3").balance == 3000)
        }
    }

    @Test("a retry with the same request id replays the reply, refusals included, and writes nothing")
    func idempotency() async throws {
        try await withTestDatabase { db in
            let till = try await GiftTill.open(db)
            let card = try #require(try await till.issue(amount: 1000, active: true).first)
            let first = try await till.run(.redeem(cents(700), partial: false, receipt: nil), card, request: "r1")
            let again = try await till.run(.redeem(cents(700), partial: false, receipt: nil), card, request: "r1")
            #expect(again.replayed == true && again.activity == first.activity && again.balance == 300)
            await expectStoreError(.insufficientFunds) { _ = try await till.run(.redeem(cents(700), partial: false, receipt: nil), card, request: "r2") }
            _ = try await till.run(.load(cents(5000), receipt: nil), card, request: "l1")
            // The refusal stands for its request id even though the card could pay now.
            await expectStoreError(.insufficientFunds) { _ = try await till.run(.redeem(cents(700), partial: false, receipt: nil), card, request: "r2") }
            await expectStoreError(.idempotencyConflict) {
                _ = try await till.store.giftCard(
                    .load(cents(1), receipt: nil), code: card.code, pin: nil, origin: try till.origin("l1", "GIFT something else"))
            }
            #expect(try await db.scalar("select count(*)::int8 from gift_card_activities") == 3)
        }
    }

    @Test("the PIN is needed to spend or look, and wrong PINs in a row block the card; a right one starts the count again")
    func pins() async throws {
        try await withTestDatabase { db in
            let till = try await GiftTill.open(db, rules: try GiftCardRules(terminalFailures: 100, pinAttempts: 3))
            let card = try #require(try await till.issue(amount: 1000, active: true, pin: true).first)
            let wrongPIN = try GiftCardPIN(parsing: card.pin?.digits == "0000" ? "1111" : "0000")
            let wrong = IssuedGiftCardBatch.Card(code: card.code, pin: wrongPIN)
            let bare = IssuedGiftCardBatch.Card(code: card.code, pin: nil)
            await expectStoreError(.pinRequired) { _ = try await till.balance(bare) }
            await expectStoreError(.pinRequired) { _ = try await till.run(.redeem(cents(1), partial: false, receipt: nil), bare, request: "r0") }
            // Loading needs no PIN: the buyer of a top-up may not have it.
            _ = try await till.run(.load(cents(1), receipt: nil), bare, request: "l0")

            await expectStoreError(.wrongPIN) { _ = try await till.balance(wrong) }
            await expectStoreError(.wrongPIN) { _ = try await till.run(.redeem(cents(1), partial: false, receipt: nil), wrong, request: "r1") }
            _ = try await till.run(.redeem(cents(1), partial: false, receipt: nil), card, request: "r2")
            await expectStoreError(.wrongPIN) { _ = try await till.balance(wrong) }
            await expectStoreError(.wrongPIN) { _ = try await till.balance(wrong) }
            let third = await expectStoreError(.wrongPIN) { _ = try await till.balance(wrong) }
            #expect(third?.message == "wrong PIN; the gift card is now blocked")
            await expectStoreError(.cardBlocked) { _ = try await till.run(.redeem(cents(1), partial: false, receipt: nil), card, request: "r3") }
            // A blocked card confirms no PIN: right and wrong ones get the same answer, and are not counted.
            await expectStoreError(.cardBlocked) { _ = try await till.balance(card) }
            await expectStoreError(.cardBlocked) { _ = try await till.balance(wrong) }
            #expect(try await db.texts("select kind || ':' || actor || ':' || reason from gift_card_activities where kind = 'block'") == [
                "block:system:3 wrong PINs in a row"
            ])
            #expect(try await db.scalar("select count(*)::int8 from gift_card_failures where kind = 'pin'") == 5)
        }
    }

    @Test("a terminal that sends too many wrong codes or PINs is refused for a while; other terminals are not")
    func rateLimit() async throws {
        try await withTestDatabase { db in
            let rules = try GiftCardRules(terminalFailures: 3, failureWindowMinutes: 15)
            let till = try await GiftTill.open(db, rules: rules)
            let card = try #require(try await till.issue(amount: 1000, active: true).first)
            var random = SplitMix64(seed: 7)
            let guesses = (0..<3).map { _ in IssuedGiftCardBatch.Card(code: GiftCardCode.random(using: &random), pin: nil) }
            for (attempt, guess) in guesses.enumerated() {
                await expectStoreError(.notFound) { _ = try await till.run(.load(cents(1), receipt: nil), guess, request: "g\(attempt)") }
            }
            let limited = await expectStoreError(.rateLimited) { _ = try await till.balance(card) }
            #expect(limited?.message == "too many wrong gift card codes or PINs from this terminal; wait up to 15 minutes")
            // A retry of a request that was answered is still answered; a limited request is not recorded.
            await expectStoreError(.notFound) { _ = try await till.run(.load(cents(1), receipt: nil), guesses[0], request: "g0") }
            await expectStoreError(.rateLimited) { _ = try await till.run(.redeem(cents(1), partial: false, receipt: nil), card, request: "r1") }
            #expect(try await db.scalar("select count(*)::int8 from terminal_requests where request_id = 'r1'") == 0)

            let other = try await GiftTill.open(db, name: "till-2", rules: rules)
            #expect(try await other.balance(card).balance == 1000)
            try await db.travel(days: 1)
            #expect(try await till.balance(card).balance == 1000)
        }
    }

    @Test("a card past its last day is refused at the till and shows as expired")
    func expiredCard() async throws {
        try await withTestDatabase { db in
            let till = try await GiftTill.open(db)
            let yesterday = try CalendarDate(parsing: try await db.dateText(daysFromToday: -1))
            let card = try #require(try await till.issue(amount: 1000, active: true, expires: yesterday).first)
            let refused = await expectStoreError(.cardExpired) { _ = try await till.run(.redeem(cents(1), partial: false, receipt: nil), card, request: "r1") }
            #expect(refused?.message == "the gift card expired on \(yesterday)")
            let shown = try await till.balance(card)
            #expect(shown.state == "expired" && shown.balance == 1000 && shown.expires == yesterday.description)
        }
    }

    @Test("an unsold card's PIN cannot be guessed without limit; the sale starts the count again")
    func unsoldCardGuessing() async throws {
        try await withTestDatabase { db in
            let till = try await GiftTill.open(db, rules: try GiftCardRules(terminalFailures: 100, pinAttempts: 3))
            let card = try #require(try await till.issue(amount: 1000, pin: true).first)
            let wrong = IssuedGiftCardBatch.Card(code: card.code, pin: try GiftCardPIN(parsing: card.pin?.digits == "0000" ? "1111" : "0000"))
            for _ in 0..<3 { await expectStoreError(.wrongPIN) { _ = try await till.balance(wrong) } }
            let stopped = await expectStoreError(.cardBlocked) { _ = try await till.balance(card) }
            #expect(stopped?.message == "too many wrong PINs for this gift card")
            _ = try await till.run(.activate(amount: nil, member: nil, receipt: nil), card, request: "a1")
            #expect(try await till.balance(card).balance == 1000)
        }
    }

    @Test("only the store that made a hold ends it; a hold made before a block or the card's last day can still be captured")
    func holdOwnership() async throws {
        try await withTestDatabase { db in
            let till = try await GiftTill.open(db)
            let sameStore = try await GiftTill.open(db, name: "till-2", storeCode: "S1")
            let otherStore = try await GiftTill.open(db, name: "till-3", storeCode: "S2")
            let card = try #require(try await till.issue(amount: 5000, active: true).first)
            let first = try #require(try await till.run(.hold(cents(1000), partial: false, receipt: nil), card, request: "h1").hold)
            let elsewhere = await expectStoreError(.notFound) { _ = try await otherStore.run(.release(hold: first), card, request: "x1") }
            #expect(elsewhere?.message == "no hold \(first) on this gift card made in this store")
            #expect(try await sameStore.run(.capture(hold: first, amount: nil, receipt: nil), card, request: "c1").captured == 1000)

            let second = try #require(try await till.run(.hold(cents(1000), partial: false, receipt: nil), card, request: "h2").hold)
            _ = try await till.store.administerGiftCard(.code(card.code), .block, reason: "reported lost", actor: "test")
            await expectStoreError(.cardBlocked) { _ = try await till.run(.redeem(cents(1), partial: false, receipt: nil), card, request: "r1") }
            let captured = try await till.run(.capture(hold: second, amount: cents(400), receipt: nil), card, request: "c2")
            #expect(captured.state == "blocked" && captured.balance == 3600 && captured.held == 0)
        }
    }

    @Test("amounts that are not positive are refused as bad arguments and recorded as such")
    func nonPositiveAmounts() async throws {
        try await withTestDatabase { db in
            let till = try await GiftTill.open(db)
            let card = try #require(try await till.issue(amount: 1000, active: true).first)
            let operations: [GiftCardOperation] = [
                .load(cents(0), receipt: nil), .redeem(cents(0), partial: true, receipt: nil), .refund(cents(-5), receipt: nil),
                .hold(cents(0), partial: false, receipt: nil),
            ]
            for (index, operation) in operations.enumerated() {
                let refused = await expectStoreError(.badArgument) { _ = try await till.run(operation, card, request: "z\(index)") }
                #expect(refused?.message == "an amount must be positive")
            }
            #expect(try await db.scalar("select count(*)::int8 from gift_card_activities") == 1)
            #expect(try await db.scalar("select count(*)::int8 from terminal_requests where result ? 'refused'") == 4)
        }
    }

    @Test("an administrator cannot adjust a card past its last day: the money would be breakage at once")
    func adjustExpired() async throws {
        try await withTestDatabase { db in
            let till = try await GiftTill.open(db)
            let yesterday = try CalendarDate(parsing: try await db.dateText(daysFromToday: -1))
            let card = try #require(try await till.issue(amount: 1000, active: true, expires: yesterday).first)
            await expectStoreError(.cardExpired) {
                _ = try await till.store.administerGiftCard(.code(card.code), .adjust(500), reason: "goodwill", actor: "test")
            }
        }
    }
}

