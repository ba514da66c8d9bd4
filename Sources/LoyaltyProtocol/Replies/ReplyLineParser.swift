import LoyaltyCore

/// One reply line as a client reads it: `OK k=v …` or `ERR CODE message`.
///
/// For clients of the protocol (tests, the load generator): the server only encodes replies.
/// A list reply is an `OK count=N …` line, read with ``parse(_:)``, followed by N item lines,
/// read with ``parseFields(_:)``.
public enum ReplyLine: Sendable, Equatable {
    /// `OK` and its fields; for a list header the fields start with `count`.
    case ok(ReplyFields)
    /// `ERR CODE message`; the message may be empty.
    case error(code: String, message: String)

    /// The most fields a reply line may carry (replies are trusted more than requests).
    public static let maximumFields = 1024

    /// Parses an `OK` or `ERR` line. A trailing LF or CRLF is ignored.
    /// - Throws: `BAD_REQUEST` when the line is neither, or breaks the tokenizer's rules.
    public static func parse(_ line: String) throws(LoyaltyError) -> ReplyLine {
        try LineTokenizer.withScanner(withoutLineEnding(line)) { scanner throws(LoyaltyError) in
            switch try scanner.verb() {
            case "OK":
                let arguments = try scanner.arguments(maximum: maximumFields)
                return .ok(ReplyFields(arguments.map { ReplyFields.Pair(key: $0.key, value: $0.value) }))
            case "ERR":
                let code = scanner.bareToken()
                guard !code.isEmpty, code.allSatisfy({ ASCII.isDigit($0) || ASCII.isLetter($0) || $0 == ASCII.underscore }) else {
                    throw LoyaltyError(.badRequest, "malformed error code")
                }
                return .error(code: String(decoding: code, as: UTF8.self), message: scanner.remainder())
            default:
                throw LoyaltyError(.badRequest, "not a reply line: expected OK or ERR")
            }
        }
    }

    /// Parses an item line of a list reply: `key=value` pairs only. A trailing LF or CRLF is ignored.
    public static func parseFields(_ line: String) throws(LoyaltyError) -> ReplyFields {
        let arguments = try LineTokenizer.tokenizeFields(withoutLineEnding(line), maximumArguments: maximumFields)
        return ReplyFields(arguments.map { ReplyFields.Pair(key: $0.key, value: $0.value) })
    }

    private static func withoutLineEnding(_ line: String) -> Substring.UTF8View {
        var bytes = line.utf8[...]
        if bytes.last == UInt8(ascii: "\n") {
            bytes = bytes.dropLast()
            if bytes.last == UInt8(ascii: "\r") { bytes = bytes.dropLast() }
        }
        return bytes
    }
}
