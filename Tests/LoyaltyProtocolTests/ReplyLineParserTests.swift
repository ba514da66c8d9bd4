import LoyaltyCore
import LoyaltyProtocol
import LoyaltyTestSupport
import Testing

@Suite("ReplyLine")
struct ReplyLineParserTests {
    @Test("parses OK lines")
    func ok() throws {
        #expect(try ReplyLine.parse("OK member=0000000018 points=125") == .ok(["member": "0000000018", "points": "125"]))
        #expect(try ReplyLine.parse("OK") == .ok([:]))
        #expect(try ReplyLine.parse("OK bye=1\n") == .ok(["bye": "1"]))
        #expect(try ReplyLine.parse("OK bye=1\r\n") == .ok(["bye": "1"]))
        let reply = try ReplyLine.parse(#"OK count=1 reason="a b""#)
        guard case .ok(let fields) = reply else {
            Issue.record("not OK")
            return
        }
        #expect(fields["count"] == "1")
        #expect(fields["reason"] == "a b")
    }

    @Test("parses ERR lines")
    func error() throws {
        #expect(try ReplyLine.parse("ERR MISSING_ARGUMENT missing argument currency")
            == .error(code: "MISSING_ARGUMENT", message: "missing argument currency"))
        #expect(try ReplyLine.parse("ERR UNAVAILABLE") == .error(code: "UNAVAILABLE", message: ""))
        #expect(try ReplyLine.parse("ERR BAD_REQUEST unterminated quote \"x=y\n")
            == .error(code: "BAD_REQUEST", message: "unterminated quote \"x=y"))
    }

    @Test("round-trips errors", arguments: [
        LoyaltyError(.notFound, "no member 0000000018"), LoyaltyError(.unavailable, ""), LoyaltyError(.badArgument, "  spaced  out  "),
        LoyaltyError(.badRequest, #"expected key=value, got '"quoted"'"#),
    ])
    func roundTrip(error: LoyaltyError) throws {
        #expect(try ReplyLine.parse(Reply.error(error).encodedString) == .error(code: error.code.rawValue, message: error.message))
    }

    @Test("refuses what is not a reply", arguments: ["", "HELLO", "PING", "ERR", "ERR bad-code x", "OK a", "OK a=\"x", "OK a=1 a=2", "OK\u{0}", "ERR X a\u{1}"])
    func refuses(line: String) {
        expectError(.badRequest) { () throws(LoyaltyError) in try ReplyLine.parse(line) }
    }

    @Test("parses item lines of list replies")
    func fields() throws {
        #expect(try ReplyLine.parseFields("entry=3 at=2026-11-23T10:00:00Z kind=earn points=25 balance=125\n")
            == ["entry": "3", "at": "2026-11-23T10:00:00Z", "kind": "earn", "points": "25", "balance": "125"])
        expectError(.badRequest) { () throws(LoyaltyError) in try ReplyLine.parseFields("OK count=1") }
    }

    @Test("allows more fields than a request may carry")
    func manyFields() throws {
        let line = "OK " + (1...200).map { "f\($0)=\($0)" }.joined(separator: " ")
        guard case .ok(let fields) = try ReplyLine.parse(line) else {
            Issue.record("not OK")
            return
        }
        #expect(fields.pairs.count == 200)
    }
}
