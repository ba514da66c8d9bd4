import LoyaltyCore
import LoyaltyTestSupport
import Testing

@Suite("Money")
struct MoneyTests {
    static let eur = try! Currency(code: "EUR")
    static let jpy = try! Currency(code: "JPY")
    static let bhd = try! Currency(code: "BHD")

    @Test(
        "parses amounts in the currency's precision",
        arguments: [
            ("25.00", eur, 2500), ("25.5", eur, 2550), ("25", eur, 2500), ("0", eur, 0), ("0.01", eur, 1),
            ("007.50", eur, 750), ("1500", jpy, 1500), ("0", jpy, 0), ("1.234", bhd, 1234), ("1.2", bhd, 1200),
            ("999999999.99", eur, 99_999_999_999), ("99999999999", jpy, 99_999_999_999),
            ("99999999.999", bhd, 99_999_999_999),
        ] as [(String, Currency, Int64)])
    func parses(text: String, currency: Currency, minorUnits: Int64) throws {
        let money = try Money(parsing: text, currency: currency)
        #expect(money.minorUnits == minorUnits)
        #expect(money.currency == currency)
    }

    @Test(
        "refuses malformed, negative, too precise and too large amounts",
        arguments: [
            ("", eur), ("25.001", eur), ("1.5", jpy), ("1.2345", bhd), ("-1", eur), ("-0.01", eur), ("+1", eur),
            ("1e3", eur), ("1E3", eur), ("1,000.00", eur), ("1 000", eur), (" 1", eur), ("1.", eur), (".5", eur),
            ("1..0", eur), ("1.0.0", eur), ("abc", eur), ("NaN", eur), ("inf", eur), ("0x10", eur), ("١٢", eur),
            ("1000000000", eur), ("100000000000", jpy), ("100000000", bhd), ("9223372036854775807", eur),
            ("99999999999999999999999999", eur), ("999999999999999", bhd),
        ] as [(String, Currency)])
    func refuses(text: String, currency: Currency) {
        expectError(.badArgument) { () throws(LoyaltyError) in try Money(parsing: text, currency: currency) }
    }

    @Test("names the argument in its error")
    func namesArgument() {
        let error = expectError(.badArgument) { () throws(LoyaltyError) in
            try Money(parsing: "x", currency: Self.eur, argument: "refund")
        }
        #expect(error?.message.hasPrefix("refund:") == true)
    }

    @Test(
        "formats in the currency's precision",
        arguments: [
            (2500, eur, "25.00"), (1, eur, "0.01"), (0, eur, "0.00"), (-310, eur, "-3.10"), (1500, jpy, "1500"),
            (1234, bhd, "1.234"), (5, bhd, "0.005"), (99_999_999_999, eur, "999999999.99"),
        ] as [(Int64, Currency, String)])
    func formats(minorUnits: Int64, currency: Currency, text: String) {
        let money = Money(minorUnits: minorUnits, currency: currency)
        #expect(money.decimalString == text)
        #expect(money.description == "\(text) \(currency.code)")
    }

    @Test("formatting and parsing round-trip", arguments: [eur, jpy, bhd])
    func roundTrip(currency: Currency) throws {
        for minorUnits: Int64 in [0, 1, 9, 10, 99, 100, 101, 123_456, 99_999_999_999] {
            let money = Money(minorUnits: minorUnits, currency: currency)
            #expect(try Money(parsing: money.decimalString, currency: currency) == money)
        }
    }
}
