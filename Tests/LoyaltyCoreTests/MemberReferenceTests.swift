import LoyaltyCore
import LoyaltyTestSupport
import Testing

@Suite("MemberReference")
struct MemberReferenceTests {
    static let germany = try! PhoneNumber.Region(code: "DE")

    @Test(
        "recognises numbers, emails and phones",
        arguments: [
            ("0000000018", "number", "0000000018"), ("0000 0000 18", "number", "0000000018"),
            ("799 273 9875", "phone", "+497992739875"),
            ("Anna@Example.com", "email", "anna@example.com"), ("0151 1234 5678", "phone", "+4915112345678"),
            ("+49 151 1234 5678", "phone", "+4915112345678"), ("0000000019x", "phone", ""),
        ])
    func recognises(text: String, kind: String, value: String) throws {
        if value.isEmpty {
            expectError(.badArgument) { () throws(LoyaltyError) in
                try MemberReference(parsing: text, defaultRegion: Self.germany)
            }
            return
        }
        let reference = try MemberReference(parsing: text, defaultRegion: Self.germany)
        #expect(reference.kind == kind)
        #expect(reference.value == value)
        #expect(reference.description == "\(kind)=\(value)")
    }

    @Test("ten digits starting with 00 with a wrong check digit are a mistyped card, not a phone", arguments: ["0001000008", "0000000019"])
    func mistypedCard(text: String) {
        let error = expectError(.badArgument) { () throws(LoyaltyError) in
            try MemberReference(parsing: text, defaultRegion: Self.germany)
        }
        #expect(error?.message.contains("check digit") == true, "\(String(describing: error))")
    }

    @Test("ten digits starting with 0 and failing the check digit may be a national phone number")
    func nationalPhone() throws {
        #expect(try MemberReference(parsing: "0301234567", defaultRegion: Self.germany) == .phone(PhoneNumber(parsing: "+49301234567", defaultRegion: Self.germany)))
    }

    @Test(
        "in a region without a trunk prefix, ten digits are a national phone number, even when they pass the check digit",
        arguments: ["2125551234", "7992739875"])
    func nationalNumbersInTheUnitedStates(text: String) throws {
        let reference = try MemberReference(parsing: text, defaultRegion: .unitedStates)
        #expect(reference == .phone(try PhoneNumber(parsing: "+1" + text, defaultRegion: .unitedStates)))
    }

    @Test("card numbers (which start with 00) are recognised whatever the region")
    func cardNumbersInTheUnitedStates() throws {
        #expect(try MemberReference(parsing: "0001000009", defaultRegion: .unitedStates).kind == "number")
        #expect(try MemberReference(parsing: "0001000009", defaultRegion: Self.germany).kind == "number")
    }

    @Test("a bad email is reported as an email")
    func badEmail() {
        let error = expectError(.badArgument) { () throws(LoyaltyError) in
            try MemberReference(parsing: "anna@", defaultRegion: Self.germany)
        }
        #expect(error?.message.hasPrefix("email:") == true)
    }
}
