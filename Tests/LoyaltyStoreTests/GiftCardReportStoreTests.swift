import Foundation
import LoyaltyCore
import LoyaltyStore
import LoyaltyTestSupport
import LoyaltyTesting
import PostgresNIO
import Testing

@Suite("Gift card batches, reports and the job (PostgreSQL)", .timeLimit(.minutes(6)))
struct GiftCardReportStoreTests {
    @Test("batches: issued versus activated, loaded, outstanding; void needs force for sold cards and happens once")
    func batches() async throws {
        try await withTestDatabase { db in
            let store = db.store
            let (terminal, _) = try await store.addTerminal(name: "till-1", storeCode: "S1", actor: "t")
            let printed = try await store.issueGiftCards(
                try NewGiftCardBatch(count: 3, currency: .euro, amount: 1000, inactive: true), actor: "admin")
            let loaded = try await store.issueGiftCards(try NewGiftCardBatch(count: 2, currency: .usDollar, amount: 2000), actor: "admin")
            _ = try await store.giftCard(
                .activate(amount: nil, member: nil, receipt: nil), code: printed.cards[0].code, pin: nil,
                origin: .terminal(id: terminal.id, request: try RequestID(parsing: "a1"), fingerprint: "a1"))
            _ = try await store.giftCard(
                .load(try eur("5.00"), receipt: nil), code: printed.cards[0].code, pin: nil,
                origin: .terminal(id: terminal.id, request: try RequestID(parsing: "l1"), fingerprint: "l1"))
            let list = try await store.giftCardBatches()
            #expect(list.map(\.id) == [printed.batch, loaded.batch])
            #expect(list.map(\.issued) == [3, 2] && list.map(\.activated) == [1, 2])
            #expect(list.map(\.loaded) == [1500, 4000] && list.map(\.outstanding) == [1500, 4000])
            #expect(list[0].amount == 1000 && !list[0].issuedActive && list[1].issuedActive && list[0].voidedAt == nil)

            await expectStoreError(.badArgument) { _ = try await store.voidGiftCardBatch(printed.batch, reason: "", force: false, actor: "admin") }
            let sold = await expectStoreError(.badArgument) {
                _ = try await store.voidGiftCardBatch(printed.batch, reason: "misprint", force: false, actor: "admin")
            }
            #expect(sold?.message == "1 cards of batch \(printed.batch) were sold; void with --force to close them too")
            #expect(try await db.scalar("select count(*)::int8 from gift_cards where state = 'closed'") == 0)
            #expect(try await store.voidGiftCardBatch(printed.batch, reason: "misprint", force: true, actor: "admin") == 3)
            await expectStoreError(.alreadyExists) {
                _ = try await store.voidGiftCardBatch(printed.batch, reason: "again", force: true, actor: "admin")
            }
            await expectStoreError(.notFound) { _ = try await store.voidGiftCardBatch(999, reason: "x", force: true, actor: "admin") }
            let voided = try await store.giftCardBatch(printed.batch)
            #expect(voided.voidedBy == "admin" && voided.voidReason == "misprint" && voided.outstanding == 0 && voided.loaded == 1500)
            #expect(try await store.giftCard(.code(printed.cards[0].code)).state == "closed")
            #expect(try await db.scalar("select count(*)::int8 from audit_log where action = 'giftcard.void-batch'") == 1)
        }
    }

    @Test("the job releases expired holds and expires cards past their date; liability, breakage and activity figures")
    func jobAndReports() async throws {
        try await withTestDatabase { db in
            let store = db.store
            let (terminal, _) = try await store.addTerminal(name: "till-1", storeCode: "S1", actor: "t")
            let yesterday = try CalendarDate(parsing: try await db.dateText(daysFromToday: -1))
            let inMonth = try CalendarDate(parsing: try await db.dateText(daysFromToday: 30))
            let past = try await store.issueGiftCards(
                try NewGiftCardBatch(count: 2, currency: .euro, amount: 3000, expires: yesterday), actor: "admin")
            let open = try await store.issueGiftCards(try NewGiftCardBatch(count: 1, currency: .euro, amount: 5000), actor: "admin")
            _ = try await store.issueGiftCards(
                try NewGiftCardBatch(count: 1, currency: .usDollar, amount: 2000, expires: inMonth), actor: "admin")
            let hold = try await store.giftCard(
                .hold(try eur("10.00"), partial: false, receipt: "R-9"), code: open.cards[0].code, pin: nil,
                origin: .terminal(id: terminal.id, request: try RequestID(parsing: "h1"), fingerprint: "h1"))
            #expect(hold.held == 1000)
            await expectStoreError(.cardExpired) {
                _ = try await store.giftCard(
                    .redeem(try eur("1.00"), partial: false, receipt: nil), code: past.cards[0].code, pin: nil,
                    origin: .terminal(id: terminal.id, request: try RequestID(parsing: "r1"), fingerprint: "r1"))
            }
            _ = try await store.administerGiftCard(.code(past.cards[1].code), .adjust(-500), reason: "damaged", actor: "admin")
            #expect(try await store.giftCard(.code(past.cards[0].code)).state == "expired")
            try await db.travel(days: 1)

            let today = try await db.dateText()
            let before = try await db.dateText(daysFromToday: -1)
            let month = String(today.prefix(7))
            #expect(
                try await store.giftCardLiability()
                    == [
                        GiftCardLiability(currency: "EUR", cards: 1, balance: 5000, held: 1000),
                        GiftCardLiability(currency: "USD", cards: 1, balance: 2000, held: 0),
                    ])
            #expect(
                try await store.giftCardBreakage()
                    == [GiftCardBreakage(currency: "EUR", month: month, status: "pending", cards: 2, amount: 5500)])

            let run = try await store.runGiftCardJob(actor: "job", batchSize: 1)
            #expect(run == GiftCardJobRun(released: 1, expired: 2))
            #expect(try await store.runGiftCardJob(actor: "job") == GiftCardJobRun(released: 0, expired: 0))
            #expect(try await db.scalar("select count(*)::int8 from audit_log where action = 'job.giftcards' and actor = 'job'") == 2)

            let held = try await store.giftCard(.code(open.cards[0].code))
            #expect(held.held == 0 && held.available == 5000 && held.lastActivity == "release")
            let expired = try await store.giftCardHistory(.code(past.cards[0].code))
            #expect(expired.map(\.kind) == ["activate", "expire"] && expired.last?.amount == -3000 && expired.last?.actor == "job")
            #expect(try await store.giftCard(.code(past.cards[1].code)).balance == 0)
            #expect(
                try await store.giftCardLiability()
                    == [
                        GiftCardLiability(currency: "EUR", cards: 1, balance: 5000, held: 0),
                        GiftCardLiability(currency: "USD", cards: 1, balance: 2000, held: 0),
                    ])
            #expect(
                try await store.giftCardBreakage()
                    == [GiftCardBreakage(currency: "EUR", month: month, status: "expired", cards: 2, amount: 5500)])
            #expect(try await store.giftCardBatches().map(\.outstanding) == [0, 5000, 2000])

            let activity = try await store.giftCardActivity(from: nil, to: nil, store: nil)
            #expect(
                activity
                    == [
                        GiftCardActivityTotal(day: before, store: nil, currency: "EUR", kind: "activate", count: 3, amount: 11000, held: 0),
                        GiftCardActivityTotal(day: before, store: nil, currency: "EUR", kind: "adjust", count: 1, amount: -500, held: 0),
                        GiftCardActivityTotal(day: before, store: nil, currency: "USD", kind: "activate", count: 1, amount: 2000, held: 0),
                        GiftCardActivityTotal(day: before, store: "S1", currency: "EUR", kind: "hold", count: 1, amount: 0, held: 1000),
                        GiftCardActivityTotal(day: today, store: nil, currency: "EUR", kind: "expire", count: 2, amount: -5500, held: 0),
                        GiftCardActivityTotal(day: today, store: nil, currency: "EUR", kind: "release", count: 1, amount: 0, held: -1000),
                    ])
            #expect(try await store.giftCardActivity(from: nil, to: nil, store: "S1").map(\.kind) == ["hold"])
            let todayDate = try CalendarDate(parsing: today)
            #expect(try await store.giftCardActivity(from: todayDate, to: todayDate, store: nil).map(\.kind) == ["expire", "release"])
            #expect(try await store.giftCardActivity(from: nil, to: try CalendarDate(parsing: before), store: nil).count == 4)
            await expectStoreError(.badArgument) {
                _ = try await store.giftCardActivity(from: todayDate, to: try CalendarDate(parsing: before), store: nil)
            }
        }
    }
}
