import LoyaltyCore
import LoyaltyTestSupport
import Testing

@Suite("ImportDecimal")
struct ImportDecimalTests {
    @Test(
        "parses plain decimals exactly, keeping their scale",
        arguments: [
            ("15", 15, 0, "15"), ("-12.75", -1275, 2, "-12.75"), ("0.085", 85, 3, "0.085"), ("007.50", 750, 2, "7.50"),
            ("-0", 0, 0, "0"), ("0.000000001", 1, 9, "0.000000001"), ("18.0", 180, 1, "18.0"),
            ("9223372036854775807", Int64.max, 0, "9223372036854775807"),
            ("-9223372036.854775807", -Int64.max, 9, "-9223372036.854775807"),
        ] as [(String, Int64, Int, String)])
    func parses(text: String, units: Int64, scale: Int, sql: String) throws {
        let value = try ImportDecimal(parsing: text)
        #expect(value.units == units)
        #expect(value.scale == scale)
        #expect(value.sqlText == sql)
        #expect(value.description == sql)
    }

    @Test(
        "refuses anything but a plain decimal",
        arguments: [
            "", "-", "+1", "1,000", "2,55", "1 000", " 1", "1e3", "1E-2", "NaN", "nan", "inf", "-inf", ".5", "5.", "1..2",
            "1.2.3", "--1", "1-", "0x10", "١٢", "１", "1.0000000001", "€5", "5€",
        ])
    func refuses(text: String) {
        let error = expectError(.badArgument) { () throws(LoyaltyError) in try ImportDecimal(parsing: text, argument: "price") }
        #expect(error?.message == "price: not a plain decimal number")
    }

    @Test("refuses a number too large for 64-bit units", arguments: ["9223372036854775808", "-9223372036854775808", "99999999999.999999999"])
    func tooLarge(text: String) {
        let error = expectError(.badArgument) { () throws(LoyaltyError) in try ImportDecimal(parsing: text) }
        #expect(error?.message == "amount: too large")
    }

    @Test(
        "multiplies exactly, the scale being the sum of the factors' scales",
        arguments: [
            ("6", "2.55", "15.30"), ("-12", "1.25", "-15.00"), ("0.5", "3.99", "1.995"), ("-1", "27.5", "-27.5"),
            ("1", "18.0", "18.0"), ("0", "5", "0"), ("56", "0", "0"), ("3", "-11062.06", "-33186.18"),
            ("1.234", "0.001", "0.001234"), ("-2", "-0.5", "1.0"), ("0.333", "3", "0.999"),
            ("4611686018427387904", "-2", "-9223372036854775808"),
            // Beyond nine decimals, trailing zeros give way: 0.000050 × 20000.0000 = 1.000000000.
            ("0.000050", "20000.0000", "1.000000000"),
            // When the product overflows at the written scale, the factors lose their trailing zeros first.
            ("1000000000.000000000", "10.0", "10000000000"),
        ])
    func products(quantity: String, price: String, amount: String) throws {
        let product = try ImportDecimal(parsing: quantity).multiplied(by: try ImportDecimal(parsing: price))
        #expect(product.sqlText == amount)
        // Multiplication commutes, exactly.
        #expect(try ImportDecimal(parsing: price).multiplied(by: try ImportDecimal(parsing: quantity)).sqlText == amount)
    }

    @Test("a product that overflows, or needs more than nine decimals, is refused")
    func productLimits() throws {
        let tooLarge = expectError(.badArgument) { () throws(LoyaltyError) in
            try ImportDecimal(parsing: "9223372036854775807").multiplied(by: ImportDecimal(parsing: "2"))
        }
        #expect(tooLarge?.message == "amount: too large")
        expectError(.badArgument) { () throws(LoyaltyError) in
            try ImportDecimal(parsing: "100000000000").multiplied(by: ImportDecimal(parsing: "100000000000.0"))
        }
        expectError(.badArgument) { () throws(LoyaltyError) in
            try ImportDecimal(parsing: "-4611686018427387905").multiplied(by: ImportDecimal(parsing: "2"))
        }
        let tooPrecise = expectError(.badArgument) { () throws(LoyaltyError) in
            try ImportDecimal(parsing: "0.00001").multiplied(by: ImportDecimal(parsing: "0.000001"))
        }
        #expect(tooPrecise?.message == "amount: more than 9 decimals")
    }

    @Test("equality is numeric; the written scale shows only in sqlText")
    func equality() throws {
        let written = try ImportDecimal(parsing: "15.30")
        let short = try ImportDecimal(parsing: "15.3")
        #expect(written == short)
        #expect(Set([written, short]).count == 1)
        #expect(written.sqlText != short.sqlText)
        #expect(written != (try ImportDecimal(parsing: "15.31")))
        #expect(written.withoutTrailingZeros.sqlText == "15.3")
        #expect(ImportDecimal(units: 0, scale: 4).sqlText == "0.0000")
        #expect(ImportDecimal(units: -5, scale: 3).sqlText == "-0.005")
    }
}
