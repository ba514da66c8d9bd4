import Foundation
import LoyaltyCore
import LoyaltyStore
import LoyaltyTestSupport
import LoyaltyTesting
import PostgresNIO
import Testing

@Suite("Gift card administration (PostgreSQL)", .timeLimit(.minutes(6)))
struct GiftCardAdminStoreTests {
    func till(_ terminal: Int64, _ request: String) throws -> Origin {
        .terminal(id: terminal, request: try RequestID(parsing: request), fingerprint: request)
    }

    @Test("find by code, batch and last four, or id; ambiguous and unknown cards are refused")
    func find() async throws {
        try await withTestDatabase { db in
            let store = db.store
            let issued = try await store.issueGiftCards(try NewGiftCardBatch(count: 2, currency: .euro, amount: 2500), actor: "admin")
            let card = issued.cards[0]
            let byCode = try await store.giftCard(.code(card.code))
            #expect(byCode.batch == issued.batch && byCode.last4 == card.code.last4 && byCode.state == "active")
            #expect(byCode.balance == 2500 && byCode.held == 0 && byCode.available == 2500 && !byCode.pin && byCode.issuedBy == "admin")
            #expect(byCode.lastActivity == "activate" && byCode.member == nil && byCode.expires == nil)
            #expect(try await store.giftCard(try .last4(batch: issued.batch, parsing: card.code.last4.lowercased())).id == byCode.id)
            #expect(try await store.giftCard(.id(byCode.id)) == byCode)

            await expectStoreError(.notFound) { _ = try await store.giftCard(.code(GiftCardCode.random())) }
            await expectStoreError(.notFound) { _ = try await store.giftCard(.id(999_999)) }
            await expectStoreError(.notFound) { _ = try await store.giftCard(.last4(batch: issued.batch + 1, last4: card.code.last4)) }
            expectError(.badArgument) { () throws(LoyaltyError) in _ = try GiftCardReference.last4(batch: 1, parsing: "AB0D") }
            expectError(.badArgument) { () throws(LoyaltyError) in _ = try GiftCardReference.last4(batch: 1, parsing: "ABC") }

            // A second card of the batch ending in the same four characters.
            try await db.client.query(
                """
                insert into gift_cards (batch_id, code_hash, code_last4, currency)
                values (\(issued.batch), sha256('another card'::bytea), \(card.code.last4), 'EUR')
                """, logger: db.logger)
            let other = try await db.scalar("select max(id) from gift_cards")
            let ambiguous = await expectStoreError(.badArgument) {
                _ = try await store.giftCard(.last4(batch: issued.batch, last4: card.code.last4))
            }
            #expect(ambiguous?.message.contains("(ids \(byCode.id), \(other))") == true, "\(String(describing: ambiguous))")
            #expect(try await store.giftCard(.code(card.code)).id == byCode.id)
        }
    }

    @Test("block, unblock, adjust, close, link and unlink: audited, in the history; refusals change nothing")
    func actions() async throws {
        try await withTestDatabase { db in
            let store = db.store
            let (terminal, _) = try await store.addTerminal(name: "till-1", storeCode: "S1", actor: "t")
            let issued = try await store.issueGiftCards(try NewGiftCardBatch(count: 1, currency: .euro, amount: 2500), actor: "admin")
            let code = issued.cards[0].code
            let card = GiftCardReference.code(code)
            _ = try await store.giftCard(.redeem(try eur("10.00"), partial: false, receipt: "R-1"), code: code, pin: nil, origin: try till(terminal.id, "r1"))

            let audit: PostgresQuery = "select count(*)::int8 from audit_log where actor = 'admin' and action like 'giftcard.%'"
            #expect(try await db.scalar(audit) == 1)
            let overdraw = await expectStoreError(.insufficientFunds) {
                _ = try await store.administerGiftCard(card, .adjust(-1600), reason: "typo", actor: "admin")
            }
            #expect(overdraw?.message == "the gift card has 15.00 EUR available; taking 16.00 EUR off would overdraw it")
            await expectStoreError(.badArgument) { _ = try await store.administerGiftCard(card, .adjust(0), reason: "x", actor: "admin") }
            await expectStoreError(.badArgument) { _ = try await store.administerGiftCard(card, .block, reason: "  ", actor: "admin") }
            await expectStoreError(.cardActive) { _ = try await store.administerGiftCard(card, .unblock, reason: "x", actor: "admin") }
            #expect(try await db.scalar(audit) == 1)

            let adjusted = try await store.administerGiftCard(card, .adjust(500), reason: "goodwill", actor: "admin")
            #expect(adjusted.balance == 2000 && adjusted.lastActivity == "adjust")
            let blocked = try await store.administerGiftCard(card, .block, reason: "reported stolen", actor: "admin")
            #expect(blocked.state == "blocked")
            await expectStoreError(.cardBlocked) { _ = try await store.administerGiftCard(card, .block, reason: "again", actor: "admin") }
            await expectStoreError(.cardBlocked) {
                _ = try await store.giftCard(.redeem(try eur("1.00"), partial: false, receipt: nil), code: code, pin: nil, origin: try till(terminal.id, "r2"))
            }
            #expect(try await store.administerGiftCard(card, .unblock, reason: "found", actor: "admin").state == "active")

            let member = try await db.newMember()
            let linked = try await store.linkGiftCard(card, to: member, actor: "admin")
            #expect(linked.member == member.value)
            #expect(try await store.giftCards(of: member).map(\.last4) == [code.last4])
            await expectStoreError(.notFound) { _ = try await store.linkGiftCard(card, to: .number(MemberNumber(sequence: 999_999_998)), actor: "admin") }
            #expect(try await store.linkGiftCard(card, to: nil, actor: "admin").member == nil)
            #expect(try await store.giftCards(of: member).isEmpty)

            let closed = try await store.administerGiftCard(card, .close, reason: "cash-out", actor: "admin")
            #expect(closed.state == "closed" && closed.balance == 0)
            await expectStoreError(.cardClosed) { _ = try await store.administerGiftCard(card, .close, reason: "again", actor: "admin") }
            await expectStoreError(.cardClosed) { _ = try await store.administerGiftCard(card, .adjust(100), reason: "x", actor: "admin") }

            let history = try await store.giftCardHistory(card)
            #expect(history.map(\.kind) == ["activate", "redeem", "adjust", "block", "unblock", "close"])
            #expect(history.map(\.amount) == [2500, -1000, 500, 0, 0, -2000])
            #expect(history.map(\.balanceAfter) == [2500, 1500, 2000, 2000, 2000, 0])
            #expect(history[1].terminal == "till-1" && history[1].store == "S1" && history[1].request == "r1" && history[1].receipt == "R-1")
            #expect(history[2].actor == "admin" && history[2].reason == "goodwill" && history[2].terminal == nil)
            #expect(history[5].reason == "cash-out")
            #expect(
                try await db.scalar(
                    """
                    select count(*)::int8 from audit_log where actor = 'admin'
                       and action in ('giftcard.adjust', 'giftcard.block', 'giftcard.unblock', 'giftcard.link', 'giftcard.unlink',
                                      'giftcard.close')
                    """) == 6)
            #expect(try await db.scalar("select (details->>'balance_before')::int8 from audit_log where action = 'giftcard.close'") == 2000)
        }
    }

    @Test("codes and PINs are not stored in clear; issued codes and PINs work at the till")
    func noClearCodes() async throws {
        try await withTestDatabase { db in
            let store = db.store
            let (terminal, _) = try await store.addTerminal(name: "till-1", storeCode: "S1", actor: "t")
            let issued = try await store.issueGiftCards(
                try NewGiftCardBatch(count: 5, currency: .euro, amount: 1000, withPIN: true, note: "corporate"), actor: "admin")
            for card in issued.cards {
                for text in [card.code.canonical, card.code.grouped, String(card.code.canonical.prefix(12))] {
                    #expect(
                        try await db.scalar(
                            """
                            select (select count(*) from gift_cards r where r::text ilike '%' || \(text) || '%')
                                 + (select count(*) from gift_card_batches r where r::text ilike '%' || \(text) || '%')
                                 + (select count(*) from gift_card_activities r where r::text ilike '%' || \(text) || '%')
                                 + (select count(*) from audit_log r where r::text ilike '%' || \(text) || '%')
                            """) == 0)
                }
                let balance = try await store.giftCardBalance(card.code, pin: card.pin, terminal: terminal.id)
                #expect(balance.balance == 1000 && balance.card == card.code.last4)
            }
            #expect(try await db.scalar("select count(*)::int8 from gift_cards where pin_hash is null") == 0)
        }
    }
}
