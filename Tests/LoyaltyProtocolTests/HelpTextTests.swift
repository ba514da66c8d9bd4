import LoyaltyCore
import LoyaltyProtocol
import Testing

@Suite("HelpText")
struct HelpTextTests {
    static let verbs = [
        "PING", "HEALTH", "HELP", "QUIT", "AUTH", "MEMBER", "ENROLL", "BALANCE", "HISTORY", "EARN", "REDEEM", "REVERSE", "REWARDS", "CLAIM",
        "VOUCHER", "USE", "GIFT BALANCE", "GIFT ACTIVATE", "GIFT LOAD", "GIFT REDEEM", "GIFT REFUND", "GIFT HOLD", "GIFT CAPTURE",
        "GIFT RELEASE",
    ]

    @Test("has one entry per verb, each with verb, args and about")
    func entries() {
        #expect(HelpText.entries.compactMap { $0["verb"] } == Self.verbs)
        for entry in HelpText.entries {
            #expect(entry.pairs.map(\.key) == ["verb", "args", "about"])
        }
        #expect(HelpText.entries.first { $0["verb"] == "EARN" }?["args"]?.contains("receipt") == true)
    }

    @Test("every verb in the help is one the parser knows")
    func verbsAreKnown() {
        let parser = RequestParser(defaultRegion: .unitedStates)
        for verb in Self.verbs {
            do {
                _ = try parser.parse(verb)
            } catch {
                #expect(error.code != .unknownCommand, "\(verb)")
            }
        }
    }

    @Test("encodes as a list reply that a client can read back")
    func encodes() throws {
        let lines = Reply.list([:], HelpText.entries).encodedString.split(separator: "\n")
        #expect(lines.count == HelpText.entries.count + 1)
        #expect(try ReplyLine.parse(String(lines[0])) == .ok(["count": String(HelpText.entries.count)]))
        for (line, entry) in zip(lines.dropFirst(), HelpText.entries) {
            #expect(try ReplyLine.parseFields(String(line)) == entry)
        }
    }
}
