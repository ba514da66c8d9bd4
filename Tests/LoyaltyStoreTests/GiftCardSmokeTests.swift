import Foundation
import LoyaltyCore
import LoyaltyStore
import LoyaltyTestSupport
import LoyaltyTesting
import PostgresNIO
import Testing

@Suite("Gift cards smoke (PostgreSQL)", .timeLimit(.minutes(3)))
struct GiftCardSmokeTests {
    @Test("issue, activate, redeem, hold, capture")
    func smoke() async throws {
        try await withTestDatabase { db in
            let (terminal, _) = try await db.store.addTerminal(name: "till-1", storeCode: "S1", actor: "t")
            let batch = try await db.store.issueGiftCards(
                try NewGiftCardBatch(count: 3, currency: .euro, amount: 2500, withPIN: true, inactive: true), actor: "t")
            let card = batch.cards[0]
            func origin(_ req: String, _ fp: String) throws -> Origin {
                .terminal(id: terminal.id, request: try RequestID(parsing: req), fingerprint: fp)
            }
            let activated = try await db.store.giftCard(
                .activate(amount: nil, member: nil, receipt: nil), code: card.code, pin: nil, origin: try origin("a1", "A"))
            print(activated)
            #expect(activated.balance == 2500 && activated.state == "active")
            let redeemed = try await db.store.giftCard(
                .redeem(try eur("30.00"), partial: true, receipt: "R1"), code: card.code, pin: card.pin, origin: try origin("r1", "R"))
            print(redeemed)
            #expect(redeemed.redeemed == 2500 && redeemed.due == 500 && redeemed.balance == 0)
            _ = try await db.store.giftCard(.load(try eur("10"), receipt: nil), code: card.code, pin: nil, origin: try origin("l1", "L"))
            let hold = try await db.store.giftCard(
                .hold(try eur("4"), partial: false, receipt: nil), code: card.code, pin: card.pin, origin: try origin("h1", "H"))
            print(hold)
            let captured = try await db.store.giftCard(
                .capture(hold: hold.hold ?? 0, amount: try eur("3"), receipt: nil), code: card.code, pin: nil, origin: try origin("c1", "C"))
            print(captured)
            #expect(captured.balance == 700 && captured.held == 0 && captured.captured == 300 && captured.released == 100)
            let wrong = await expectStoreError(.wrongPIN) {
                _ = try await db.store.giftCardBalance(card.code, pin: try GiftCardPIN(parsing: "0000"), terminal: terminal.id)
            }
            print(wrong as Any)
            let balance = try await db.store.giftCardBalance(card.code, pin: card.pin, terminal: terminal.id)
            print(balance)
            let job = try await db.scalar("select (loyalty_gift_card_job('job', 'UTC', 100)->>'released')::int8")
            #expect(job == 0)
        }
    }
}
