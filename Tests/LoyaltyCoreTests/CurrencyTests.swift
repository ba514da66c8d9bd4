import LoyaltyCore
import LoyaltyTestSupport
import Testing

@Suite("Currency")
struct CurrencyTests {
    @Test(
        "knows minor-unit digits",
        arguments: [("EUR", 2, 100), ("USD", 2, 100), ("JPY", 0, 1), ("BHD", 3, 1000), ("KWD", 3, 1000), ("CLP", 0, 1)]
            as [(String, Int, Int64)])
    func digits(code: String, digits: Int, perMajor: Int64) throws {
        let currency = try Currency(code: code)
        #expect(currency.code == code)
        #expect(currency.minorUnitDigits == digits)
        #expect(currency.minorUnitsPerMajor == perMajor)
    }

    @Test("is case-insensitive")
    func caseInsensitive() throws {
        #expect(try Currency(code: "eur") == Currency(code: "EUR"))
        #expect(try Currency(code: "eUr").code == "EUR")
    }

    @Test("refuses unknown codes", arguments: ["", "EU", "EURO", "XXX", "ABC", "XAU", "€", "E\nR"])
    func refuses(code: String) {
        let error = expectError(.badArgument) { () throws(LoyaltyError) in try Currency(code: code) }
        #expect(error?.message.hasPrefix("currency:") == true)
    }

    @Test("quotes at most 8 characters of a bad code")
    func shortEcho() {
        let error = expectError(.badArgument) { () throws(LoyaltyError) in
            try Currency(code: String(repeating: "Z", count: 500))
        }
        #expect((error?.message.count ?? 0) < 80)
    }
}
