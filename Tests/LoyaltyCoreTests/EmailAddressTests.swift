import LoyaltyCore
import LoyaltyTestSupport
import Testing

@Suite("EmailAddress")
struct EmailAddressTests {
    @Test(
        "normalises to trimmed lower case",
        arguments: [
            ("anna@example.com", "anna@example.com"), ("Anna.Berg@Example.COM", "anna.berg@example.com"),
            ("  anna@example.com\t", "anna@example.com"), ("a+tag@sub.example.co.uk", "a+tag@sub.example.co.uk"),
            ("Jörg@Bücher.de", "jörg@bücher.de"),
        ])
    func normalises(text: String, value: String) throws {
        let email = try EmailAddress(parsing: text)
        #expect(email.value == value)
        #expect(email.description == value)
    }

    @Test("equal mailboxes compare equal")
    func equality() throws {
        #expect(try EmailAddress(parsing: "ANNA@EXAMPLE.COM") == EmailAddress(parsing: " anna@example.com "))
    }

    @Test(
        "refuses what is not an address",
        arguments: [
            "", "   ", "anna", "anna@", "@example.com", "anna@example", "anna@@example.com", "an@na@example.com",
            "anna@.example.com", "anna@example.com.", "anna@example..com", "an na@example.com", "anna@exa mple.com",
            "an\"na@example.com", "an\\na@example.com", "anna@example.com\u{7F}", "an\u{01}na@example.com", "an\u{85}na@example.com", "anna@exa\u{9B}mple.com",
        ])
    func refuses(text: String) {
        let error = expectError(.badArgument) { () throws(LoyaltyError) in try EmailAddress(parsing: text) }
        #expect(error?.message.hasPrefix("email:") == true)
    }

    @Test("limits the lengths")
    func lengths() throws {
        let local64 = String(repeating: "a", count: 64)
        _ = try EmailAddress(parsing: "\(local64)@example.com")
        expectError(.badArgument) { () throws(LoyaltyError) in try EmailAddress(parsing: "a\(local64)@example.com") }
        let longDomain = String(repeating: "d", count: 250) + ".com"
        expectError(.badArgument) { () throws(LoyaltyError) in try EmailAddress(parsing: "a@\(longDomain)") }
    }
}
