import LoyaltyCore
import LoyaltyProtocol
import LoyaltyTestSupport
import Testing

@Suite("LineTokenizer")
struct LineTokenizerTests {
    private func tokens(_ line: String) throws(LoyaltyError) -> TokenizedLine {
        try LineTokenizer.tokenize(line.utf8)
    }

    private func pairs(_ line: TokenizedLine) -> [String] {
        line.arguments.map { "\($0.key)=\($0.value)" }
    }

    @Test("splits a verb and key=value arguments")
    func basic() throws {
        let line = try tokens("earn req=1 member=0000000018 amount=25.00 currency=EUR")
        #expect(line.verb == "EARN")
        #expect(pairs(line) == ["req=1", "member=0000000018", "amount=25.00", "currency=EUR"])
        #expect(line["amount"] == "25.00")
        #expect(line["missing"] == nil)
    }

    @Test("accepts runs of spaces and tabs around tokens")
    func blanks() throws {
        let line = try tokens(" \t PING\t \t")
        #expect(line.verb == "PING")
        #expect(line.arguments.isEmpty)
        #expect(pairs(try tokens("AUTH\tterminal=T1  \t secret=s ")) == ["terminal=T1", "secret=s"])
    }

    @Test("lower-cases keys and keeps values as written")
    func keyCase() throws {
        #expect(pairs(try tokens("ENROLL First_Name=Anna LAST_NAME=Berg")) == ["first_name=Anna", "last_name=Berg"])
    }

    @Test(
        "unquotes and unescapes values",
        arguments: [
            (#"k="Anna Maria""#, "Anna Maria"), (#"k="""#, ""), (#"k="a\"b""#, #"a"b"#), (#"k="a\\b""#, #"a\b"#),
            (#"k="line\nbreak""#, "line\nbreak"), (#"k="\r\t""#, "\r\t"), (#"k="=x= y""#, "=x= y"),
            ("k=a=b", "a=b"), ("k=", ""), ("k=Grüße", "Grüße"), (#"k="Grüße 👋""#, "Grüße 👋"), ("k=a\\b", #"a\b"#),
            (#"k="'; DROP TABLE members; --""#, "'; DROP TABLE members; --"),
        ])
    func values(text: String, value: String) throws {
        let line = try tokens("X \(text)")
        #expect(line.arguments == [TokenizedLine.Argument(key: "k", value: value)])
    }

    @Test("a quoted value may be followed directly by the end of line or a blank")
    func quotedThenNext() throws {
        #expect(pairs(try tokens("X a=\"1 2\"\tb=\"3\"")) == ["a=1 2", "b=3"])
    }

    @Test(
        "refuses malformed lines with BAD_REQUEST",
        arguments: [
            "", "   ", "\t", "P1NG", "PING!", "req=1", "\"PING\"", "EARN member", "EARN =1", "EARN 1a=2", "EARN a-b=1",
            "EARN a.b=1", "EARN _a=1", #"EARN a="unterminated"#, #"EARN a="x"y"#, #"EARN a="x""y""#, #"EARN a="\q""#,
            #"EARN a="\""#, #"EARN a="\x41""#, #"EARN a="\u0041""#, #"EARN a=x"y"#, #"EARN a=""#, "EARN a=1 a=2",
            "EARN A=1 a=2", "EARN a=1 b", "PING\r", "PING\n", "PING\u{0}", "EARN a=\u{1B}[2J", "EARN a=\u{7F}",
            "EARN a=1\u{0B}",
        ])
    func refuses(text: String) {
        expectError(.badRequest) { () throws(LoyaltyError) in try tokens(text) }
    }

    @Test("refuses invalid UTF-8")
    func invalidUTF8() {
        for bytes: [UInt8] in [[0x50, 0xFF], [0x58, 0x20, 0x6B, 0x3D, 0xC3], [0xED, 0xA0, 0x80], [0xC0, 0xAF], [0xF8, 0x88, 0x80, 0x80, 0x80]] {
            let error = expectError(.badRequest) { () throws(LoyaltyError) in try LineTokenizer.tokenize(bytes) }
            #expect(error?.message.contains("UTF-8") == true)
        }
    }

    @Test("allows 32 arguments and refuses 33")
    func argumentLimit() throws {
        let thirtyTwo = (1...32).map { "k\($0)=v" }.joined(separator: " ")
        #expect(try tokens("X \(thirtyTwo)").arguments.count == 32)
        let error = expectError(.badRequest) { () throws(LoyaltyError) in try tokens("X \(thirtyTwo) k33=v") }
        #expect(error?.message.contains("32") == true)
    }

    @Test("allows keys of 32 characters and refuses longer ones")
    func keyLength() throws {
        let key = "k" + String(repeating: "e", count: 31)
        #expect(try tokens("X \(key)=1")[key] == "1")
        expectError(.badRequest) { () throws(LoyaltyError) in try tokens("X \(key)y=1") }
    }

    @Test("error messages quote at most 32 characters and no control characters")
    func shortMessages() {
        let long = String(repeating: "Z", count: 5000)
        for line in ["X \(long)", "\(long)9", "X \(long)-=1", "X k=\"\(long)", "X a=1 \(long)=2", "X \(long)=2"] {
            let error = expectError(.badRequest) { () throws(LoyaltyError) in try tokens(line) }
            #expect((error?.message.count ?? 0) < 100)
            #expect(error?.message.unicodeScalars.allSatisfy { $0.properties.generalCategory != .control } == true)
        }
    }

    @Test("tokenizes field-only lines")
    func fields() throws {
        let fields = try LineTokenizer.tokenizeFields(#"entry=12 kind=earn reason="a b""#.utf8)
        #expect(fields.map(\.key) == ["entry", "kind", "reason"])
        #expect(fields.last?.value == "a b")
        #expect(try LineTokenizer.tokenizeFields("".utf8).isEmpty)
        expectError(.badRequest) { () throws(LoyaltyError) in try LineTokenizer.tokenizeFields("EARN a=1".utf8) }
    }

    // MARK: - Verb families

    @Test(
        "a family verb takes its sub-verb: letters, any case, any blanks between",
        arguments: [
            ("GIFT REDEEM req=1 code=X", "GIFT REDEEM", ["req=1", "code=X"]), ("gift redeem", "GIFT REDEEM", []),
            ("Gift Balance code=X", "GIFT BALANCE", ["code=X"]), (" \tGIFT \t hold\treq=1 ", "GIFT HOLD", ["req=1"]),
            ("GIFT FOO a=1", "GIFT FOO", ["a=1"]),
            // Followed by an argument or by nothing, the family verb stays alone, for the parser to refuse.
            ("GIFT", "GIFT", []), ("GIFT  ", "GIFT", []), ("GIFT code=X", "GIFT", ["code=X"]), ("GIFT a=b=c", "GIFT", ["a=b=c"]),
        ])
    func family(text: String, verb: String, arguments: [String]) throws {
        let line = try tokens(text)
        #expect(line.verb == verb)
        #expect(pairs(line) == arguments)
    }

    @Test(
        "only the verbs of a family take a sub-verb; every other verb is as before",
        arguments: ["EARN REDEEM", "USE BALANCE", "VOUCHER GIFT", "PING PONG", "GIFTS REDEEM", "XGIFT REDEEM", "OK GIFT"])
    func notAFamily(text: String) {
        expectError(.badRequest) { () throws(LoyaltyError) in try tokens(text) }
    }

    @Test(
        "a sub-verb of anything but letters is BAD_REQUEST",
        arguments: ["GIFT RED3EM", "GIFT RE-DEEM", "GIFT \"REDEEM\"", "GIFT REDEEM!", "GIFT \u{0}", "GIFT RÉDEEM", "GIFT 1", "GIFT R\u{7F}"])
    func malformedSubVerb(text: String) {
        expectError(.badRequest) { () throws(LoyaltyError) in try tokens(text) }
    }

    @Test("the families are GIFT only")
    func families() {
        #expect(LineTokenizer.verbFamilies == ["GIFT"])
    }

    @Test("a reply line is not affected by the families")
    func replies() throws {
        #expect(try ReplyLine.parse("OK card=PQRU state=active") == .ok(["card": "PQRU", "state": "active"]))
        #expect(try ReplyLine.parse("ERR GIFT message") == .error(code: "GIFT", message: "message"))
    }
}
