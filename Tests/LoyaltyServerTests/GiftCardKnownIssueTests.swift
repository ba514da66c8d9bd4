import LoyaltyCore
import LoyaltyStore
import LoyaltyTesting
import Testing

/// Defects found in the gift-card SQL (migrations 0007 and 0008) while building the GIFT verbs. Each test
/// states the documented behaviour and is marked as a known issue: it fails loudly ("known issue was not
/// recorded") once the migration is fixed, and the `withKnownIssue` should then be removed.
@Suite("Gift card known issues (PostgreSQL, TCP)", .timeLimit(.minutes(2)))
struct GiftCardKnownIssueTests {
    @Test("0008: an active batch can be issued (loyalty_issue_gift_cards: column reference batch_id is ambiguous)")
    func issueActiveBatch() async throws {
        try await withServer { server in
            await withKnownIssue("0008 loyalty_issue_gift_cards: `'issued active in batch ' || batch_id` is ambiguous (42702)") { () async throws in
                let issued = try await server.store.issueGiftCards(
                    try NewGiftCardBatch(count: 2, currency: .euro, amount: 2500), actor: "test")
                #expect(issued.cards.count == 2)
            }
        }
    }

    @Test("0007: REDEEM and HOLD of an unsold card are CARD_INACTIVE, not INSUFFICIENT_FUNDS")
    func redeemInactiveCard() async throws {
        try await withServer { server in
            let till = try await server.till("till-1")
            let card = try #require(try await server.issueGiftCards(inactive: true).first)
            let redeem = try await till.request("GIFT REDEEM req=r1 code=\(card.code.grouped) amount=1 currency=EUR")
            let hold = try await till.request("GIFT HOLD req=h1 code=\(card.code.grouped) amount=1 currency=EUR")
            // Today both are `ERR INSUFFICIENT_FUNDS available 0.00 EUR, requested 1.00 EUR`.
            withKnownIssue("0007 loyalty_gift checks the available amount before the card's state") {
                #expect(errorCode(redeem) == "CARD_INACTIVE", "\(redeem)")
                #expect(errorCode(hold) == "CARD_INACTIVE", "\(hold)")
            }
        }
    }

    @Test("0007: a right PIN starts the count again, also when the request is then refused")
    func rightPINThenRefused() async throws {
        try await withServer { server in
            let till = try await server.till("till-1")
            let card = try #require(try await server.issueGiftCards(amount: 2500, pin: true).first)
            let code = card.code.grouped
            let pin = try #require(card.pin).digits
            let wrong = pin == "0000" ? "1111" : "0000"
            #expect(try await till.err("GIFT REDEEM req=w1 code=\(code) pin=\(wrong) amount=1 currency=EUR") == "WRONG_PIN")
            #expect(try await till.err("GIFT REDEEM req=w2 code=\(code) pin=\(wrong) amount=1 currency=EUR") == "WRONG_PIN")
            // The right PIN, but more than the card holds: refused, and the reset of the count is rolled back with it.
            #expect(try await till.err("GIFT REDEEM req=w3 code=\(code) pin=\(pin) amount=30 currency=EUR") == "INSUFFICIENT_FUNDS")
            #expect(try await till.err("GIFT REDEEM req=w4 code=\(code) pin=\(wrong) amount=1 currency=EUR") == "WRONG_PIN")
            let state = try await till.ok("GIFT BALANCE code=\(code) pin=\(pin)")["state"]
            withKnownIssue("0007 loyalty_gift resets pin_failures inside the block that a refusal rolls back") {
                #expect(state == "active", "one wrong PIN since the right one should not block the card")
            }
        }
    }
}
