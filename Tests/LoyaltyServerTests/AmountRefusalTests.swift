import LoyaltyCore
import LoyaltyTesting
import Testing

/// Amounts a till must not get through: past the limit or Int64, more decimals than the currency has,
/// signs and exponents, unknown currencies, and a gift card asked in another currency than its own.
/// Each is refused with its code and changes nothing.
@Suite("Amount refusals (PostgreSQL, TCP)", .timeLimit(.minutes(6)))
struct AmountRefusalTests {
    @Test("EARN and REVERSE amounts out of range or precision are BAD_ARGUMENT and record nothing")
    func earnAmounts() async throws {
        try await withServer { server in
            let till = try await server.till("till-1")
            let member = try await till.enroll()
            let refused: [(amount: String, currency: String, message: String)] = [
                ("1000000000.00", "EUR", "amount: amount is too large"),
                ("99999999999999999999", "EUR", "amount: amount is too large"),
                ("9223372036854775808", "JPY", "amount: amount is too large"),
                ("100000000000", "JPY", "amount: amount is too large"),
                ("100000000.000", "KWD", "amount: amount is too large"),
                ("25.5", "JPY", "amount: JPY has 0 decimal places"),
                ("1.999", "EUR", "amount: EUR has 2 decimal places"),
                ("1.2345", "KWD", "amount: KWD has 3 decimal places"),
                ("0.0001", "BHD", "amount: BHD has 3 decimal places"),
                ("-5.00", "EUR", "amount: amount must not be negative"),
                ("+5.00", "EUR", "amount: not a decimal amount"),
                ("1e3", "EUR", "amount: not a decimal amount"),
                ("25,00", "EUR", "amount: not a decimal amount"),
                ("NaN", "EUR", "amount: not a decimal amount"),
                ("5.00", "XXX", "currency: unknown currency 'XXX' (ISO 4217 code expected)"),
                ("5.00", "EURO", "currency: unknown currency 'EURO' (ISO 4217 code expected)"),
            ]
            for (index, (amount, currency, message)) in refused.enumerated() {
                let reply = try await till.request("EARN req=amt-\(index) member=\(member) amount=\(amount) currency=\(currency)")
                #expect(reply == "ERR BAD_ARGUMENT \(message)", "\(amount) \(currency)")
            }
            // A known currency the programme does not earn in is refused too, naming the accepted ones.
            #expect(try await till.err("EARN req=amt-kwd member=\(member) amount=1.250 currency=KWD") == "BAD_ARGUMENT")
            #expect(try await till.err("REVERSE req=amt-rev of=none amount=1.999 currency=EUR") == "BAD_ARGUMENT")
            #expect(try await server.entryCount(member) == 0)
            #expect(try await server.sqlInt("select count(*)::int8 from terminal_requests where request_id like 'amt-%'") == 0)
            // The largest amount and the currencies' own precisions are accepted.
            #expect(try await till.ok("EARN req=amt-max member=\(member) amount=999999999.99 currency=EUR")["earned"] == "999999999")
            #expect(try await till.ok("EARN req=amt-jpy member=\(member) amount=1500 currency=JPY")["earned"] == "15")
        }
    }

    @Test("gift card amounts: another currency than the card's is CURRENCY_MISMATCH; bad precision BAD_ARGUMENT; nothing changes")
    func giftCardAmounts() async throws {
        try await withServer { server in
            let till = try await server.till("till-1")
            let card = try #require(try await server.issueGiftCards(amount: 2500).first)
            let inactive = try #require(try await server.issueGiftCards(amount: nil, inactive: true).first)
            let before = try await server.giftActivityCount()
            let mismatched = [
                "GIFT LOAD req=gc-1 \(card.arguments) amount=10.00 currency=USD",
                "GIFT REDEEM req=gc-2 \(card.arguments) amount=500 currency=JPY",
                "GIFT HOLD req=gc-3 \(card.arguments) amount=1.000 currency=KWD",
                "GIFT REFUND req=gc-4 \(card.arguments) amount=1.00 currency=GBP",
                "GIFT ACTIVATE req=gc-5 \(inactive.arguments) amount=25.00 currency=USD",
            ]
            for line in mismatched {
                #expect(try await till.err(line) == "CURRENCY_MISMATCH", "\(line)")
            }
            let malformed = [
                "GIFT LOAD req=gc-6 \(card.arguments) amount=10.001 currency=EUR",
                "GIFT LOAD req=gc-7 \(card.arguments) amount=1000000000.00 currency=EUR",
                "GIFT REDEEM req=gc-8 \(card.arguments) amount=-1 currency=EUR",
                "GIFT REDEEM req=gc-9 \(card.arguments) amount=1 currency=ZZZ",
            ]
            for line in malformed {
                #expect(try await till.err(line) == "BAD_ARGUMENT", "\(line)")
            }
            #expect(try await server.giftActivityCount() == before)
            let balance = try await till.ok("GIFT BALANCE \(card.arguments)")
            #expect(balance["balance"] == "25.00" && balance["currency"] == "EUR")
            // A retry of a refused mismatch gets the same answer.
            #expect(try await till.err(mismatched[0]) == "CURRENCY_MISMATCH")
        }
    }
}
