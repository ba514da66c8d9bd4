import LoyaltyCore
import LoyaltyProtocol
import NIOCore
import Testing

@Suite("Reply encoding")
struct ReplyEncodingTests {
    @Test("writes OK lines")
    func ok() {
        #expect(Reply.ok(["member": "0000000018", "earned": "25", "points": "125", "entry": "981"]).encodedString
            == "OK member=0000000018 earned=25 points=125 entry=981\n")
        #expect(Reply.ok([:]).encodedString == "OK\n")
        #expect(Reply.ok(["bye": "1"]).encodedString == "OK bye=1\n")
    }

    @Test("writes list replies: a header with the count, then one line per item")
    func list() {
        let reply = Reply.list(
            ["member": "0000000018"],
            [["entry": "2", "kind": "redeem", "points": "-50"], ["entry": "1", "kind": "earn", "points": "25", "reason": "welcome bonus"]])
        #expect(reply.encodedString == """
            OK count=2 member=0000000018
            entry=2 kind=redeem points=-50
            entry=1 kind=earn points=25 reason="welcome bonus"

            """)
        #expect(Reply.list([:], []).encodedString == "OK count=0\n")
    }

    @Test("writes ERR lines with a sanitised, shortened message")
    func error() {
        #expect(Reply.error(.missingArgument("currency")).encodedString == "ERR MISSING_ARGUMENT missing argument currency\n")
        #expect(Reply.error(LoyaltyError(.unavailable, "")).encodedString == "ERR UNAVAILABLE\n")
        #expect(Reply.error(LoyaltyError(.badArgument, "a\nb\r\tc\u{0}d\u{7F}e\u{85}f")).encodedString == "ERR BAD_ARGUMENT a b  c d e f\n")
        let long = Reply.error(LoyaltyError(.internal, String(repeating: "é", count: 1000))).encodedString
        #expect(long == "ERR INTERNAL \(String(repeating: "é", count: 200))\n")
        #expect(Reply.error(LoyaltyError(LoyaltyError.Code(rawValue: "bad code\n"), "x")).encodedString == "ERR _________ x\n")
    }

    @Test(
        "writes plain values bare and everything else quoted",
        arguments: [
            ("25", "25"), ("+4915112345678", "+4915112345678"), ("a=b", "a=b"), ("Grüße", "Grüße"), ("2026-11-23T10:00:00Z", "2026-11-23T10:00:00Z"),
            ("", #""""#), ("a b", #""a b""#), (#"say "hi""#, #""say \"hi\"""#), (#"C:\dir"#, #""C:\\dir""#),
            ("line\nbreak", #""line\nbreak""#), ("cr\rtab\t", #""cr\rtab\t""#), ("bell\u{7}", #""bell ""#),
            ("del\u{7F}", #""del ""#), ("'; DROP TABLE x; --", #""'; DROP TABLE x; --""#),
        ])
    func quoting(value: String, written: String) {
        #expect(Reply.ok(["v": value]).encodedString == "OK v=\(written)\n")
    }

    @Test("round-trips every value the protocol can carry through ReplyLine", arguments: [
        "", " ", "plain", "two words", #"quote " and backslash \"#, "\\\"\\\"", "tabs\tand\nnewlines\r\n", "=", "a=b=c",
        "\"", "\\", "ünïcödé ☃ 👋🏽", "trailing ", " leading", "\\n is not a newline",
    ])
    func roundTrip(value: String) throws {
        let fields: ReplyFields = ["first": value, "second": "x", "third": value]
        #expect(try ReplyLine.parse(Reply.ok(fields).encodedString) == .ok(fields))
        let list = Reply.list(["member": value], [fields, ["k": value]]).encodedString.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(list.count == 4 && list.last == "")
        #expect(try ReplyLine.parse(String(list[0])) == .ok(["count": "2", "member": value]))
        #expect(try ReplyLine.parseFields(String(list[1])) == fields)
        #expect(try ReplyLine.parseFields(String(list[2])) == ["k": value])
    }

    @Test("encodes into an existing buffer without disturbing it")
    func intoBuffer() {
        var buffer = ByteBuffer(string: "before\n")
        Reply.ok(["a": "1"]).encode(into: &buffer)
        Reply.error(LoyaltyError(.authRequired, "AUTH first")).encode(into: &buffer)
        #expect(String(buffer: buffer) == "before\nOK a=1\nERR AUTH_REQUIRED AUTH first\n")
    }
}
