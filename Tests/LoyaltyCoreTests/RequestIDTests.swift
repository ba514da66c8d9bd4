import LoyaltyCore
import LoyaltyTestSupport
import Testing

@Suite("RequestID and Identifier")
struct RequestIDTests {
    @Test("accepts 1 to 64 of A-Z a-z 0-9 - _ . :", arguments: ["a", "T1-000123", "2026-11-23T10:00:00.123", "x_y.z:1", String(repeating: "9", count: 64)])
    func accepts(text: String) throws {
        #expect(try RequestID(parsing: text).value == text)
        #expect(try RequestID(parsing: text).description == text)
    }

    @Test("refuses other characters and lengths", arguments: ["", " ", "a b", "a/b", "a#b", "ä", "a\"b", "a=b", String(repeating: "9", count: 65)])
    func refuses(text: String) {
        let error = expectError(.badArgument) { () throws(LoyaltyError) in try RequestID(parsing: text) }
        #expect(error?.message.hasPrefix("req:") == true)
    }

    @Test("identifiers also allow / and #")
    func identifiers() throws {
        #expect(try Identifier.parse("POS-1/Berlin#2", argument: "terminal") == "POS-1/Berlin#2")
        expectError(.badArgument) { () throws(LoyaltyError) in try Identifier.parse("a b", argument: "receipt") }
        expectError(.badArgument) { () throws(LoyaltyError) in try Identifier.parse("", argument: "receipt") }
        expectError(.badArgument) { () throws(LoyaltyError) in
            try Identifier.parse(String(repeating: "r", count: 65), argument: "receipt")
        }
        #expect(try Identifier.parse("abc", argument: "store", maximumLength: 3) == "abc")
    }
}
