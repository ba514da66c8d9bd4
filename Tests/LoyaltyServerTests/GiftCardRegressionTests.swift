import LoyaltyCore
import LoyaltyStore
import LoyaltyTesting
import Testing

/// Gift-card cases that were once wrong in the SQL (migrations 0007 and 0008), kept as regression tests.
@Suite("Gift card regressions (PostgreSQL, TCP)", .timeLimit(.minutes(6)))
struct GiftCardRegressionTests {
    @Test("an active batch can be issued")
    func issueActiveBatch() async throws {
        try await withServer { server in
            let issued = try await server.store.issueGiftCards(
                try NewGiftCardBatch(count: 2, currency: .euro, amount: 2500), actor: "test")
            #expect(issued.cards.count == 2)
            let till = try await server.till("till-1")
            let balance = try await till.ok("GIFT BALANCE code=\(issued.cards[1].code.grouped)")
            #expect(balance["state"] == "active" && balance["balance"] == "25.00")
        }
    }

    @Test("REDEEM and HOLD of an unsold card are CARD_INACTIVE, not INSUFFICIENT_FUNDS")
    func redeemInactiveCard() async throws {
        try await withServer { server in
            let till = try await server.till("till-1")
            let card = try #require(try await server.issueGiftCards(inactive: true).first)
            let redeem = try await till.request("GIFT REDEEM req=r1 code=\(card.code.grouped) amount=1 currency=EUR")
            let hold = try await till.request("GIFT HOLD req=h1 code=\(card.code.grouped) amount=1 currency=EUR")
            #expect(errorCode(redeem) == "CARD_INACTIVE", "\(redeem)")
            #expect(errorCode(hold) == "CARD_INACTIVE", "\(hold)")
        }
    }

    @Test("a right PIN starts the count again, also when the request is then refused")
    func rightPINThenRefused() async throws {
        try await withServer { server in
            let till = try await server.till("till-1")
            let card = try #require(try await server.issueGiftCards(amount: 2500, pin: true).first)
            let code = card.code.grouped
            let pin = try #require(card.pin).digits
            let wrong = pin == "0000" ? "1111" : "0000"
            #expect(try await till.err("GIFT REDEEM req=w1 code=\(code) pin=\(wrong) amount=1 currency=EUR") == "WRONG_PIN")
            #expect(try await till.err("GIFT REDEEM req=w2 code=\(code) pin=\(wrong) amount=1 currency=EUR") == "WRONG_PIN")
            // The right PIN, but more than the card holds: refused, and the count starts again all the same.
            #expect(try await till.err("GIFT REDEEM req=w3 code=\(code) pin=\(pin) amount=30 currency=EUR") == "INSUFFICIENT_FUNDS")
            #expect(try await till.err("GIFT REDEEM req=w4 code=\(code) pin=\(wrong) amount=1 currency=EUR") == "WRONG_PIN")
            let state = try await till.ok("GIFT BALANCE code=\(code) pin=\(pin)")["state"]
            #expect(state == "active", "one wrong PIN since the right one must not block the card")
        }
    }
}
