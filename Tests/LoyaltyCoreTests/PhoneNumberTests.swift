import LoyaltyCore
import LoyaltyTestSupport
import Testing

@Suite("PhoneNumber")
struct PhoneNumberTests {
    static let germany = try! PhoneNumber.Region(code: "DE")
    static let italy = try! PhoneNumber.Region(code: "IT")
    static let us = PhoneNumber.Region.unitedStates

    @Test(
        "normalises to E.164",
        arguments: [
            ("0151 1234 5678", germany, "+4915112345678"), ("+49 151 1234 5678", germany, "+4915112345678"),
            ("0049 151 12345678", germany, "+4915112345678"), ("0151/1234-5678", germany, "+4915112345678"),
            ("(0151) 1234.5678", germany, "+4915112345678"), ("+49 151 1234 5678", us, "+4915112345678"),
            ("0049 151 12345678", us, "+4915112345678"), ("151 12345678", germany, "+4915112345678"),
            ("212 555 1234", us, "+12125551234"), ("(212) 555-1234", us, "+12125551234"),
            ("1 212 555 1234", us, "+12125551234"), ("+1 212 555 1234", germany, "+12125551234"),
            ("06 1234 5678", italy, "+390612345678"), ("333 1234567", italy, "+393331234567"),
            ("+39 06 1234 5678", germany, "+390612345678"), ("\t+49\t151 12345678", germany, "+4915112345678"),
        ] as [(String, PhoneNumber.Region, String)])
    func normalises(text: String, region: PhoneNumber.Region, e164: String) throws {
        let phone = try PhoneNumber(parsing: text, defaultRegion: region)
        #expect(phone.e164 == e164)
        #expect(phone.description == e164)
    }

    @Test("national and international forms are the same number")
    func sameNumber() throws {
        let forms = ["0151 1234 5678", "+49 151 1234 5678", "0049 151 12345678", "+4915112345678"]
        let numbers = try forms.map { text throws(LoyaltyError) in try PhoneNumber(parsing: text, defaultRegion: Self.germany) }
        #expect(Set(numbers).count == 1)
    }

    @Test(
        "refuses letters, bad plus signs, and too few or many digits",
        arguments: [
            "", "+", "00", "0151 CALL NOW", "0151-1234x", "12345+6789", "++49 151 1234", "+49+151 1234 5678",
            "+12345", "+4915112345678901", "0049", "+0 151 1234 5678", "0151 1234 5678 1234 5678 90", "☎ 0151 1234",
        ])
    func refuses(text: String) {
        let error = expectError(.badArgument) { () throws(LoyaltyError) in
            try PhoneNumber(parsing: text, defaultRegion: Self.germany)
        }
        #expect(error?.message.hasPrefix("phone:") == true)
    }

    @Test("regions are looked up case-insensitively")
    func regions() throws {
        let region = try PhoneNumber.Region(code: "de")
        #expect(region.code == "DE")
        #expect(region.callingCode == "49")
        #expect(!region.keepsTrunkZero)
        #expect(try PhoneNumber.Region(code: "IT").keepsTrunkZero)
        #expect(PhoneNumber.Region.unitedStates.callingCode == "1")
        expectError(.badArgument) { () throws(LoyaltyError) in try PhoneNumber.Region(code: "XX") }
    }
}
