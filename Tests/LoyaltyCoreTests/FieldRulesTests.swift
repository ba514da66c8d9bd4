import LoyaltyCore
import LoyaltyTestSupport
import Testing

@Suite("FieldRules")
struct FieldRulesTests {
    @Test("trims and limits free text")
    func text() throws {
        #expect(try FieldRules.text("  Anna  ", field: "first_name") == "Anna")
        #expect(try FieldRules.text("", field: "first_name") == "")
        #expect(try FieldRules.text(String(repeating: "é", count: 100), field: "last_name").count == 100)
        expectError(.badArgument) { () throws(LoyaltyError) in
            try FieldRules.text(String(repeating: "é", count: 101), field: "last_name")
        }
        let error = expectError(.badArgument) { () throws(LoyaltyError) in try FieldRules.text("An\nna", field: "first_name") }
        #expect(error?.message.hasPrefix("first_name:") == true)
    }

    @Test("refuses every control character, C1 included", arguments: ["\u{0}", "\t", "\u{1B}", "\u{7F}", "\u{80}", "\u{85}", "\u{9F}"])
    func controls(control: String) {
        expectError(.badArgument) { () throws(LoyaltyError) in try FieldRules.text("An\(control)na", field: "first_name") }
    }

    @Test("keeps letters, marks and symbols of every script")
    func scripts() throws {
        for name in ["Zoë", "Łukasz", "Ἀλέξανδρος", "李小龙", "O'Brien-Smith", "José María", "👩🏽‍🚀"] {
            #expect(try FieldRules.text(name, field: "first_name") == name)
        }
    }

    @Test("tags are lower-cased and restricted")
    func tags() throws {
        #expect(try FieldRules.tag(" VIP-2026 ") == "vip-2026")
        expectError(.badArgument) { () throws(LoyaltyError) in try FieldRules.tag("a b") }
        expectError(.badArgument) { () throws(LoyaltyError) in try FieldRules.tag("") }
    }
}
