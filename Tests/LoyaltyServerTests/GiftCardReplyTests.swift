import Foundation
import LoyaltyCore
import LoyaltyStore
import LoyaltyTesting
import Testing

/// The GIFT verbs over TCP (docs/protocol.md, Gift cards): every verb's reply, idempotent retries, partial
/// approval, refusals that change nothing, PIN and code failures, and a race of redemptions.
@Suite("Gift cards at the till (PostgreSQL, TCP)", .timeLimit(.minutes(6)))
struct GiftCardReplyTests {
    @Test("a printed card from activation to capture: every verb's reply line")
    func lifecycle() async throws {
        try await withServer { server in
            let till = try await server.till("till-1")
            let card = try #require(try await server.issueGiftCards(pin: true, inactive: true).first)
            let pin = try #require(card.pin).digits
            let code = card.code.grouped
            let last4 = card.code.last4

            #expect(
                try await till.request("GIFT BALANCE code=\(code) pin=\(pin)")
                    == "OK card=\(last4) state=inactive currency=EUR balance=0.00 held=0.00 available=0.00")
            #expect(try await till.err("GIFT LOAD req=early code=\(code) amount=1 currency=EUR") == "CARD_INACTIVE")

            let activate = try await till.request("GIFT ACTIVATE req=a1 code=\(code) receipt=R-1")
            let activity1 = try okFields(activate).int("activity")
            #expect(
                activate
                    == "OK card=\(last4) state=active currency=EUR balance=25.00 held=0.00 available=25.00 loaded=25.00 activity=\(activity1)")
            #expect(try await till.err("GIFT ACTIVATE req=a2 code=\(code)") == "CARD_ACTIVE")

            let load = try await till.ok("GIFT LOAD req=l1 code=\(code) amount=10 currency=EUR")
            #expect(load["balance"] == "35.00" && load["loaded"] == "10.00" && load["available"] == "35.00")
            #expect(try load.int("activity") > activity1)

            let redeem = try await till.request("GIFT REDEEM req=r1 code=\(code) pin=\(pin) amount=12.5 currency=eur receipt=R-2")
            #expect(
                redeem
                    == "OK card=\(last4) state=active currency=EUR balance=22.50 held=0.00 available=22.50 redeemed=12.50 due=0.00 activity=\(try okFields(redeem).int("activity"))"
            )

            let refund = try await till.ok("GIFT REFUND req=f1 code=\(code) amount=2.50 currency=EUR receipt=R-2")
            #expect(refund["balance"] == "25.00" && refund["refunded"] == "2.50")
            // Only 10.00 of what was paid with the card is left to refund.
            let beyond = try await till.request("GIFT REFUND req=f2 code=\(code) amount=10.01 currency=EUR")
            #expect(errorCode(beyond) == "REVERSAL_LIMIT" && beyond.contains("10.00 EUR"), "\(beyond)")

            let hold = try await till.request("GIFT HOLD req=h1 code=\(code) pin=\(pin) amount=10 currency=EUR")
            let holdFields = try okFields(hold)
            let holdID = try holdFields.int("hold")
            let holdUntil = try #require(holdFields["hold_until"])
            #expect(
                hold
                    == "OK card=\(last4) state=active currency=EUR balance=25.00 held=10.00 available=15.00 hold=\(holdID) held_amount=10.00 due=0.00 hold_until=\(holdUntil) activity=\(try holdFields.int("activity"))"
            )
            let until = try #require(try? Date(holdUntil, strategy: .iso8601))
            #expect(abs(until.timeIntervalSinceNow - 30 * 60) < 120, "released after giftcards.hold-minutes (30)")
            // The held amount cannot be spent: 15.01 is more than is available.
            #expect(try await till.err("GIFT REDEEM req=r2 code=\(code) pin=\(pin) amount=15.01 currency=EUR") == "INSUFFICIENT_FUNDS")

            let capture = try await till.request("GIFT CAPTURE req=c1 code=\(code) hold=\(holdID) amount=7 currency=EUR")
            #expect(
                capture
                    == "OK card=\(last4) state=active currency=EUR balance=18.00 held=0.00 available=18.00 captured=7.00 released=3.00 activity=\(try okFields(capture).int("activity"))"
            )
            #expect(try await till.err("GIFT CAPTURE req=c2 code=\(code) hold=\(holdID)") == "HOLD_CLOSED")
            #expect(try await till.err("GIFT RELEASE req=x0 code=\(code) hold=\(holdID)") == "HOLD_CLOSED")

            let second = try await till.ok("GIFT HOLD req=h2 code=\(code) pin=\(pin) amount=5 currency=EUR")
            #expect(second["held"] == "5.00" && second["available"] == "13.00")
            let release = try await till.ok("GIFT RELEASE req=x1 code=\(code) hold=\(try second.int("hold"))")
            #expect(release["released"] == "5.00" && release["balance"] == "18.00" && release["held"] == "0.00")
            #expect(release["activity"] != nil && release["captured"] == nil)
            #expect(try await till.err("GIFT RELEASE req=x2 code=\(code) hold=\(try second.int("hold"))") == "HOLD_CLOSED")
            #expect(try await till.err("GIFT RELEASE req=x3 code=\(code) hold=999999") == "NOT_FOUND")
            // A capture of more than was held is refused.
            let third = try await till.ok("GIFT HOLD req=h3 code=\(code) pin=\(pin) amount=2 currency=EUR")
            #expect(try await till.err("GIFT CAPTURE req=c3 code=\(code) hold=\(try third.int("hold")) amount=2.01 currency=EUR") == "BAD_ARGUMENT")
            let full = try await till.ok("GIFT CAPTURE req=c4 code=\(code) hold=\(try third.int("hold"))")
            #expect(full["captured"] == "2.00" && full["released"] == "0.00" && full["balance"] == "16.00")

            #expect(
                try await till.request("GIFT BALANCE code=\(code.lowercased()) pin=\(pin)")
                    == "OK card=\(last4) state=active currency=EUR balance=16.00 held=0.00 available=16.00")
            let ledger = try await server.giftLedger()
            #expect(ledger.activities == 1600 && ledger.balances == 1600)
        }
    }

    @Test("a card sold with the till's amount, linked to a member; yen without decimals")
    func activateWithAmountAndMember() async throws {
        try await withServer { server in
            let till = try await server.till("till-1")
            let member = try await till.enroll()
            let euro = try #require(try await server.issueGiftCards(amount: nil, inactive: true).first)
            let sold = try await till.ok("GIFT ACTIVATE req=a1 code=\(euro.code.grouped) amount=40 currency=EUR member=\(member)")
            #expect(sold["balance"] == "40.00" && sold["loaded"] == "40.00" && sold["member"] == member)
            #expect(try await till.ok("GIFT BALANCE code=\(euro.code.grouped)")["member"] == member)
            let printed = try #require(try await server.issueGiftCards(amount: 2500, inactive: true).first)
            #expect(try await till.err("GIFT ACTIVATE req=a2 code=\(printed.code.grouped) amount=30 currency=EUR") == "BAD_ARGUMENT")
            #expect(try await till.err("GIFT ACTIVATE req=a3 code=\(printed.code.grouped) member=\(unknownMemberNumber)") == "NOT_FOUND")
            #expect(try await till.ok("GIFT BALANCE code=\(printed.code.grouped)")["state"] == "inactive", "the refusals changed nothing")
            let valueless = try #require(try await server.issueGiftCards(amount: nil, inactive: true).first)
            #expect(try await till.err("GIFT ACTIVATE req=a4 code=\(valueless.code.grouped)") == "BAD_ARGUMENT")

            let yen = try #require(try await server.issueGiftCards(amount: 5000, currency: .yen).first)
            let spent = try await till.ok("GIFT REDEEM req=y1 code=\(yen.code.grouped) amount=1200 currency=JPY")
            #expect(spent["balance"] == "3800" && spent["redeemed"] == "1200" && spent["currency"] == "JPY")
        }
    }

    @Test("a retry with the same req replays the reply, on the same connection and after a reconnect")
    func idempotentRetry() async throws {
        try await withServer { server in
            let terminal = try await server.addTerminal("till-1")
            let till = try await server.connect(as: terminal)
            let card = try #require(try await server.issueGiftCards(amount: 5000, pin: true).first)
            let pin = try #require(card.pin).digits
            let line = "GIFT REDEEM req=r1 code=\(card.code.grouped) pin=\(pin) amount=20 currency=EUR receipt=R-1"
            let reply = try await till.request(line)
            #expect(try okFields(reply)["balance"] == "30.00")
            #expect(try await till.request(line) == reply)
            let again = try await server.connect(as: terminal)
            #expect(try await again.request(line) == reply)
            // The same request written differently is the same request.
            #expect(
                try await again.request("gift redeem receipt=R-1 currency=eur amount=20.00 pin=\(pin) code=\(card.code.canonical.lowercased()) req=r1")
                    == reply)
            // The PIN is not part of the request: a retry with another PIN replays too (a new attempt needs a new req).
            #expect(try await again.request("GIFT REDEEM req=r1 code=\(card.code.grouped) pin=0000 amount=20 currency=EUR receipt=R-1") == reply)
            #expect(try await again.err("GIFT REDEEM req=r1 code=\(card.code.grouped) pin=\(pin) amount=21 currency=EUR receipt=R-1") == "IDEMPOTENCY_CONFLICT")
            #expect(try await again.err("GIFT HOLD req=r1 code=\(card.code.grouped) pin=\(pin) amount=20 currency=EUR receipt=R-1") == "IDEMPOTENCY_CONFLICT")
            // Another terminal's r1 is its own request.
            let other = try await server.till("till-2")
            #expect(try await other.ok(line)["balance"] == "10.00")
            #expect(try await till.ok("GIFT BALANCE code=\(card.code.grouped) pin=\(pin)")["balance"] == "10.00")
            #expect(try await server.sqlInt("select count(*)::int8 from gift_card_activities where kind = 'redeem'") == 2)

            // Every mutating verb replays.
            let printed = try #require(try await server.issueGiftCards(inactive: true).first)
            let code = printed.code.grouped
            var exchanges: [(line: String, reply: String)] = []
            for line in [
                "GIFT ACTIVATE req=v1 code=\(code)", "GIFT LOAD req=v2 code=\(code) amount=5 currency=EUR",
                "GIFT REDEEM req=v3 code=\(code) amount=2 currency=EUR", "GIFT REFUND req=v4 code=\(code) amount=1 currency=EUR",
                "GIFT HOLD req=v5 code=\(code) amount=3 currency=EUR", "GIFT HOLD req=v6 code=\(code) amount=2 currency=EUR",
            ] {
                exchanges.append((line, try await till.request(line)))
            }
            let holds = try exchanges.suffix(2).map { try okFields($0.reply).int("hold") }
            for line in ["GIFT CAPTURE req=v7 code=\(code) hold=\(holds[0]) amount=1 currency=EUR", "GIFT RELEASE req=v8 code=\(code) hold=\(holds[1])"] {
                exchanges.append((line, try await till.request(line)))
            }
            #expect(exchanges.allSatisfy { $0.reply.hasPrefix("OK ") }, "\(exchanges)")
            let before = try await server.giftActivityCount()
            for (line, reply) in exchanges {
                #expect(try await again.request(line) == reply, "\(line)")
            }
            #expect(try await server.giftActivityCount() == before, "replays write nothing")
        }
    }

    @Test("partial approval pays what the card holds and says what is still due")
    func partialApproval() async throws {
        try await withServer { server in
            let till = try await server.till("till-1")
            let card = try #require(try await server.issueGiftCards(amount: 2500).first)
            let code = card.code.grouped
            let redeem = try await till.ok("GIFT REDEEM req=p1 code=\(code) amount=30 currency=EUR partial=1")
            #expect(redeem["redeemed"] == "25.00" && redeem["due"] == "5.00" && redeem["balance"] == "0.00")
            let other = try #require(try await server.issueGiftCards().first)
            let enough = try await till.ok("GIFT REDEEM req=p0 code=\(other.code.grouped) amount=5 currency=EUR partial=1")
            #expect(enough["redeemed"] == "5.00" && enough["due"] == "0.00")
            // An empty card approves nothing, even partially.
            #expect(try await till.err("GIFT REDEEM req=p2 code=\(code) amount=1 currency=EUR partial=1") == "INSUFFICIENT_FUNDS")

            _ = try await till.ok("GIFT LOAD req=p3 code=\(code) amount=8 currency=EUR")
            let hold = try await till.ok("GIFT HOLD req=p4 code=\(code) amount=10 currency=EUR partial=1")
            #expect(hold["held_amount"] == "8.00" && hold["due"] == "2.00" && hold["available"] == "0.00")
            #expect(try await till.err("GIFT HOLD req=p5 code=\(code) amount=1 currency=EUR partial=1") == "INSUFFICIENT_FUNDS")
        }
    }

    @Test("INSUFFICIENT_FUNDS says what is available and changes nothing; its retry stays refused")
    func insufficientFunds() async throws {
        try await withServer { server in
            let till = try await server.till("till-1")
            let card = try #require(try await server.issueGiftCards(amount: 2500, pin: true).first)
            let arguments = card.arguments
            let before = try await server.giftActivityCount()
            let line = "GIFT REDEEM req=i1 \(arguments) amount=30 currency=EUR"
            let refused = try await till.request(line)
            #expect(errorCode(refused) == "INSUFFICIENT_FUNDS")
            #expect(refused.contains("25.00 EUR"), "the message names the available amount: \(refused)")
            #expect(try await till.err("GIFT HOLD req=i2 \(arguments) amount=25.01 currency=EUR") == "INSUFFICIENT_FUNDS")
            #expect(try await server.giftActivityCount() == before)
            let balance = try await till.ok("GIFT BALANCE \(arguments)")
            #expect(balance["balance"] == "25.00" && balance["available"] == "25.00")
            _ = try await till.ok("GIFT LOAD req=i3 code=\(card.code.grouped) amount=10 currency=EUR")
            #expect(try await till.request(line) == refused, "a refusal is an outcome: replayed after a top-up")
            #expect(try await till.ok("GIFT REDEEM req=i4 \(arguments) amount=30 currency=EUR")["balance"] == "5.00")
        }
    }

    @Test("a card in another currency is refused with CURRENCY_MISMATCH, for every verb with an amount")
    func currencyMismatch() async throws {
        try await withServer { server in
            let till = try await server.till("till-1")
            let card = try #require(try await server.issueGiftCards(amount: 2500).first)
            let code = card.code.grouped
            for line in [
                "GIFT LOAD req=m1 code=\(code) amount=5 currency=USD", "GIFT REDEEM req=m2 code=\(code) amount=5 currency=USD",
                "GIFT REFUND req=m3 code=\(code) amount=5 currency=GBP", "GIFT HOLD req=m4 code=\(code) amount=500 currency=JPY",
            ] {
                let reply = try await till.request(line)
                #expect(errorCode(reply) == "CURRENCY_MISMATCH", "\(line) → \(reply)")
                #expect(reply.contains("EUR"), "\(reply)")
            }
            let hold = try await till.ok("GIFT HOLD req=m5 code=\(code) amount=5 currency=EUR").int("hold")
            #expect(try await till.err("GIFT CAPTURE req=m6 code=\(code) hold=\(hold) amount=5 currency=USD") == "CURRENCY_MISMATCH")
            #expect(try await till.ok("GIFT BALANCE code=\(code)")["balance"] == "25.00")
        }
    }

    @Test("PIN_REQUIRED, WRONG_PIN, and three wrong PINs in a row block the card")
    func wrongPINs() async throws {
        try await withServer { server in
            let till = try await server.till("till-1")
            let card = try #require(try await server.issueGiftCards(amount: 2500, pin: true).first)
            let code = card.code.grouped
            let pin = try #require(card.pin).digits
            let wrong = pin == "0000" ? "1111" : "0000"
            #expect(try await till.err("GIFT BALANCE code=\(code)") == "PIN_REQUIRED")
            #expect(try await till.err("GIFT REDEEM req=w0 code=\(code) amount=1 currency=EUR") == "PIN_REQUIRED")
            #expect(try await till.err("GIFT HOLD req=w00 code=\(code) amount=1 currency=EUR") == "PIN_REQUIRED")
            // LOAD, REFUND, CAPTURE and RELEASE take no PIN.
            #expect(try await till.ok("GIFT LOAD req=w1 code=\(code) amount=1 currency=EUR")["balance"] == "26.00")

            // Two wrong, one right: the count starts again.
            #expect(try await till.err("GIFT REDEEM req=w2 code=\(code) pin=\(wrong) amount=1 currency=EUR") == "WRONG_PIN")
            #expect(try await till.err("GIFT BALANCE code=\(code) pin=\(wrong)") == "WRONG_PIN")
            #expect(try await till.ok("GIFT REDEEM req=w3 code=\(code) pin=\(pin) amount=1 currency=EUR")["balance"] == "25.00")
            // A wrong PIN's retry with the same req replays WRONG_PIN, even with the right PIN, and does not count.
            #expect(try await till.err("GIFT REDEEM req=w4 code=\(code) pin=\(wrong) amount=1 currency=EUR") == "WRONG_PIN")
            #expect(try await till.err("GIFT REDEEM req=w4 code=\(code) pin=\(pin) amount=1 currency=EUR") == "WRONG_PIN")
            #expect(try await till.err("GIFT REDEEM req=w5 code=\(code) pin=\(wrong) amount=1 currency=EUR") == "WRONG_PIN")
            let third = try await till.request("GIFT REDEEM req=w6 code=\(code) pin=\(wrong) amount=1 currency=EUR")
            #expect(errorCode(third) == "WRONG_PIN" && third.contains("blocked"), "\(third)")
            #expect(try await till.err("GIFT REDEEM req=w7 code=\(code) pin=\(pin) amount=1 currency=EUR") == "CARD_BLOCKED")
            #expect(try await till.err("GIFT HOLD req=w8 code=\(code) pin=\(pin) amount=1 currency=EUR") == "CARD_BLOCKED")
            #expect(try await till.err("GIFT LOAD req=w9 code=\(code) amount=1 currency=EUR") == "CARD_BLOCKED")
            // A blocked card confirms no PIN, right or wrong, and further guesses are not counted.
            #expect(try await till.err("GIFT BALANCE code=\(code) pin=\(pin)") == "CARD_BLOCKED")
            #expect(try await till.err("GIFT BALANCE code=\(code) pin=\(wrong)") == "CARD_BLOCKED")
            #expect(try await server.sqlInt("select balance from gift_cards") == 2500)
            #expect(try await server.sqlInt("select count(*)::int8 from gift_card_failures where kind = 'pin'") == 5)
        }
    }

    @Test("wrong codes count per terminal: after giftcards.terminal-failures, RATE_LIMITED, not recorded")
    func rateLimited() async throws {
        let rules = try GiftCardRules(terminalFailures: 3)
        try await withServer(giftCardRules: rules) { server in
            let till = try await server.till("till-1")
            let member = try await till.enroll()
            let card = try #require(try await server.issueGiftCards(amount: 2500).first)
            // Typos are caught before the database and do not count.
            var typo = Array(card.code.canonical)
            typo[0] = typo[0] == "A" ? "B" : "A"
            for index in 0..<5 {
                #expect(try await till.err("GIFT REDEEM req=t\(index) code=\(String(typo)) amount=1 currency=EUR") == "BAD_ARGUMENT")
            }
            #expect(try await till.err("GIFT BALANCE code=\(unknownGiftCardCode())") == "NOT_FOUND")
            #expect(try await till.err("GIFT REDEEM req=u1 code=\(unknownGiftCardCode()) amount=1 currency=EUR") == "NOT_FOUND")
            let unknown = unknownGiftCardCode()
            #expect(try await till.err("GIFT LOAD req=u2 code=\(unknown) amount=1 currency=EUR") == "NOT_FOUND")
            // Its retry replays the recorded NOT_FOUND without counting again.
            #expect(try await till.err("GIFT LOAD req=u2 code=\(unknown) amount=1 currency=EUR") == "NOT_FOUND")

            let limited = try await till.request("GIFT REDEEM req=u3 code=\(card.code.grouped) amount=1 currency=EUR")
            #expect(errorCode(limited) == "RATE_LIMITED", "\(limited)")
            #expect(try await till.err("GIFT BALANCE code=\(card.code.grouped)") == "RATE_LIMITED")
            #expect(try await till.err("GIFT ACTIVATE req=u4 code=\(unknownGiftCardCode())") == "RATE_LIMITED")
            #expect(try await server.sqlInt("select count(*)::int8 from terminal_requests where request_id in ('u3', 'u4')") == 0)
            #expect(try await server.sqlInt("select count(*)::int8 from gift_card_failures") == 3)
            // Only the gift verbs: the terminal still works for members, and other terminals for gift cards.
            #expect(try await till.balance(member) == 0)
            let other = try await server.till("till-2")
            #expect(try await other.ok("GIFT REDEEM req=u3 code=\(card.code.grouped) amount=1 currency=EUR")["balance"] == "24.00")
            // After the window (15 minutes) the terminal is answered again, and u3 was not recorded.
            try await server.database.travel(days: 1)
            #expect(try await till.ok("GIFT REDEEM req=u3 code=\(card.code.grouped) amount=1 currency=EUR")["balance"] == "23.00")
        }
    }

    @Test("16 connections redeeming the same card at once never overspend it")
    func concurrentRedemptions() async throws {
        try await withServer { server in
            let terminals = [try await server.addTerminal("till-1"), try await server.addTerminal("till-2")]
            var clients: [LineClient] = []
            for index in 0..<16 { clients.append(try await server.connect(as: terminals[index % 2])) }
            let card = try #require(try await server.issueGiftCards(amount: 5000, pin: true).first)
            let arguments = card.arguments
            // Every request queues on the card's row, then they race; the pool lets 4 at a time into the database.
            let lock = try await RowLock.acquire(server.database, "select 1 from gift_cards for update")
            let replies: [String]
            do {
                replies = try await withThrowingTaskGroup(of: String.self) { group in
                    for (index, client) in clients.enumerated() {
                        let amount = index % 3 == 0 ? "7.00" : "6.50"
                        let partial = index % 4 == 0 ? " partial=1" : ""
                        group.addTask { try await client.request("GIFT REDEEM req=race-\(index) \(arguments) amount=\(amount) currency=EUR\(partial)") }
                    }
                    try await lock.waitForWaiters(4)
                    try await lock.release()
                    return try await group.reduce(into: []) { $0.append($1) }
                }
            } catch {
                await lock.close()
                throw error
            }
            var spent: Int64 = 0
            var approved = 0
            for reply in replies {
                if let code = errorCode(reply) {
                    #expect(code == "INSUFFICIENT_FUNDS", "\(reply)")
                    continue
                }
                let fields = try okFields(reply)
                let redeemed = try #require(fields["redeemed"])
                spent += try Money(parsing: redeemed, currency: .euro).minorUnits
                approved += 1
            }
            #expect(spent <= 5000, "overspent: \(spent) of 5000")
            #expect(approved >= 7, "a 50.00 card pays at least seven of these redemptions: \(replies)")
            let balance = try await clients[0].ok("GIFT BALANCE \(arguments)")
            #expect(balance["balance"] == Money(minorUnits: 5000 - spent, currency: .euro).decimalString)
            #expect(try await server.sqlInt("select count(*)::int8 from gift_card_activities where kind = 'redeem'") == Int64(approved))
            let ledger = try await server.giftLedger()
            #expect(ledger.activities == ledger.balances && ledger.balances == 5000 - spent)
        }
    }

    @Test("GIFT junk never takes the server down; the connection keeps working")
    func hostileGiftLines() async throws {
        try await withServer { server in
            let anonymous = try await server.open()
            #expect(try await anonymous.err("GIFT BALANCE code=2222-2222-2222-2222") == "AUTH_REQUIRED")
            #expect(try await anonymous.err("GIFT") == "UNKNOWN_COMMAND")
            let till = try await server.till("till-1")
            let card = try #require(try await server.issueGiftCards(amount: 2500).first)
            let typo = card.code.canonical.dropLast() + (card.code.canonical.last == "2" ? "3" : "2")
            let cases: [(String, String)] = [
                ("GIFT", "UNKNOWN_COMMAND"), ("gift frobnicate", "UNKNOWN_COMMAND"), ("GIFT code=\(card.code.grouped)", "UNKNOWN_COMMAND"),
                ("GIFT RED3EM req=1", "BAD_REQUEST"), ("GIFT REDEEM req=1 req=2", "BAD_REQUEST"),
                ("GIFT BALANCE code=\(typo)", "BAD_ARGUMENT"), ("GIFT BALANCE code=2222-2222-2222-2", "BAD_ARGUMENT"),
                ("GIFT BALANCE code=\(String(repeating: "A", count: 4000))", "BAD_ARGUMENT"),
                ("GIFT REDEEM req=h1 code=\(card.code.grouped) amount=0 currency=EUR", "BAD_ARGUMENT"),
                ("GIFT REDEEM req=h1 code=\(card.code.grouped) amount=-1 currency=EUR", "BAD_ARGUMENT"),
                ("GIFT REDEEM req=h1 code=\(card.code.grouped) amount=99999999999999999999 currency=EUR", "BAD_ARGUMENT"),
                ("GIFT REDEEM req=h1 code=\(card.code.grouped) pin=\"1' OR '1'='1\" amount=1 currency=EUR", "BAD_ARGUMENT"),
                ("GIFT CAPTURE req=h1 code=\(card.code.grouped) hold=9223372036854775807", "NOT_FOUND"),
                ("GIFT RELEASE req=h2 code=\(card.code.grouped) hold=99999999999999999999", "BAD_ARGUMENT"),
                ("GIFT LOAD req=h3 code=\(card.code.grouped) amount=999999999.99 currency=EUR", ""),
            ]
            for (line, code) in cases {
                let reply = try await till.request(line)
                if code.isEmpty {
                    #expect(reply.hasPrefix("OK ") || errorCode(reply) == "BAD_ARGUMENT", "\(line) → \(reply)")
                } else {
                    #expect(errorCode(reply) == code, "\(line) → \(reply)")
                }
                #expect(try await till.pings(), "\(line): PING after it")
            }
            try await till.sendRaw(Array("GIFT REDEEM req=b1 code=".utf8) + [0xC3, 0x28, 0xFF] + Array("\n".utf8))
            #expect(errorCode(try #require(try await till.readLine())) == "BAD_REQUEST")
            #expect(try await till.pings())
        }
    }
}
