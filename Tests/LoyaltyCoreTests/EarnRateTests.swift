import LoyaltyCore
import LoyaltyTestSupport
import Testing

@Suite("EarnRate")
struct EarnRateTests {
    static let eur = try! Currency(code: "EUR")
    static let jpy = try! Currency(code: "JPY")

    @Test("rounds down to whole points", arguments: [(2599, 25), (2500, 25), (99, 0), (0, 0), (100, 1), (99_999_999_999, 999_999_999)] as [(Int64, Int64)])
    func roundsDown(minorUnits: Int64, points: Int64) {
        let rate = EarnRate.onePointPerMajorUnit(Self.eur)
        #expect(rate.points(for: Money(minorUnits: minorUnits, currency: Self.eur)) == points)
    }

    @Test("parses the configuration form")
    func parses() throws {
        let rate = try EarnRate(parsing: "EUR:1/1.00")
        #expect(rate.currency == Self.eur)
        #expect(rate.points == 1)
        #expect(rate.perMinorUnits == 100)
        #expect(rate.description == "EUR:1/1.00")
        let generous = try EarnRate(parsing: "eur:3/2.50")
        #expect(generous.points(for: Money(minorUnits: 1000, currency: Self.eur)) == 12)
        #expect(generous.description == "EUR:3/2.50")
        let yen = try EarnRate(parsing: "JPY:1/100")
        #expect(yen.points(for: Money(minorUnits: 1999, currency: Self.jpy)) == 19)
    }

    @Test(
        "refuses malformed rates",
        arguments: ["", "EUR", "EUR:1", "EUR:1/", "EUR:/1.00", "EUR:0/1.00", "EUR:-1/1.00", "EUR:1/0.00", "EUR:1/1.001",
            "XXX:1/1.00", "EUR:x/1.00", "EUR:1000001/1.00", "EUR 1/1.00"])
    func refuses(text: String) {
        expectError(.badArgument) { () throws(LoyaltyError) in try EarnRate(parsing: text) }
    }

    @Test("only configured currencies earn; another currency is refused, not guessed")
    func configuredCurrenciesOnly() throws {
        let rates = EarnRates([try EarnRate(parsing: "EUR:2/1.00"), try EarnRate(parsing: "BHD:1/1.000")])
        #expect(try rates.points(for: Money(minorUnits: 1050, currency: Self.eur)) == 21)
        #expect(try rates.points(for: Money(minorUnits: 2999, currency: try Currency(code: "BHD"))) == 2)
        let error = expectError(.badArgument) { () throws(LoyaltyError) in
            try rates.points(for: Money(minorUnits: 1050, currency: Self.jpy))
        }
        #expect(error?.message.contains("JPY is not accepted by this programme (accepted: BHD, EUR)") == true)
        #expect(rates.rate(for: Self.jpy) == nil)
        #expect(rates.configured.map(\.description) == ["BHD:1/1.000", "EUR:2/1.00"])
    }

    @Test("the standard rates: a point per 1.00 of EUR, USD, GBP, CHF and per 100 JPY")
    func standard() throws {
        #expect(EarnRates.standard.configured.map(\.description) == ["CHF:1/1.00", "EUR:1/1.00", "GBP:1/1.00", "JPY:1/100", "USD:1/1.00"])
        #expect(try EarnRates.standard.points(for: Money(minorUnits: 1500, currency: Self.jpy)) == 15)
    }
}
