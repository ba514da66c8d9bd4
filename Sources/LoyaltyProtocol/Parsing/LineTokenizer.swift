import LoyaltyCore

/// Splits one line of the protocol into a verb and `key=value` arguments.
///
/// The rules, shared by requests and replies:
/// - the line is UTF-8 and contains no control character except tab (invalid UTF-8 or a control
///   character is `BAD_REQUEST`);
/// - tokens are separated by one or more spaces or tabs;
/// - the first token is the verb: letters only, case-insensitive (returned upper-cased);
/// - a verb of a family (``verbFamilies``, such as `GIFT`) is followed by its sub-verb, a token of letters
///   without `=`: `gift redeem` is the verb `GIFT REDEEM`. A family verb followed directly by an argument or
///   by nothing stays alone (`GIFT`), for the parser to refuse;
/// - every further token is `key=value`; the key matches `[A-Za-z][A-Za-z0-9_]*`, is at most
///   ``maximumKeyLength`` characters and is lower-cased; a key may appear only once;
/// - a value is bare (no space, tab or `"`; may be empty) or double-quoted with the escapes
///   `\"` `\\` `\n` `\r` `\t`; any other escape, an unterminated quote, or text right after the closing
///   quote is `BAD_REQUEST`.
///
/// Error messages quote at most 32 characters of the input and never a control character.
public enum LineTokenizer {
    /// The most arguments a request line may carry.
    public static let maximumArguments = 32
    /// The longest key, in characters.
    public static let maximumKeyLength = 32
    /// The verbs that take a sub-verb as their second token (`GIFT REDEEM`). Every other verb is one token.
    public static let verbFamilies: Set<String> = ["GIFT"]

    /// Tokenises a line (its bytes without the LF) into a verb and its arguments.
    /// - Parameter maximumArguments: more arguments than this is `BAD_REQUEST`.
    /// - Throws: `BAD_REQUEST` for a line that breaks the rules above, including a blank line.
    public static func tokenize(
        _ line: some Collection<UInt8>, maximumArguments: Int = maximumArguments
    ) throws(LoyaltyError) -> TokenizedLine {
        try withScanner(line) { scanner throws(LoyaltyError) in
            var verb = try scanner.verb()
            if verbFamilies.contains(verb), let subVerb = try scanner.subVerb() {
                verb += " " + subVerb
            }
            return TokenizedLine(verb: verb, arguments: try scanner.arguments(maximum: maximumArguments))
        }
    }

    /// Tokenises a line that holds only `key=value` tokens, such as the item lines of a list reply.
    /// A blank line gives no fields.
    public static func tokenizeFields(
        _ line: some Collection<UInt8>, maximumArguments: Int = maximumArguments
    ) throws(LoyaltyError) -> [TokenizedLine.Argument] {
        try withScanner(line) { scanner throws(LoyaltyError) in try scanner.arguments(maximum: maximumArguments) }
    }

    /// Runs `body` with a scanner over the line's bytes, copying them only if they are not contiguous.
    static func withScanner<Result>(
        _ line: some Collection<UInt8>, _ body: (inout LineScanner) throws(LoyaltyError) -> Result
    ) throws(LoyaltyError) -> Result {
        func run(_ bytes: UnsafeBufferPointer<UInt8>) -> Swift.Result<Result, LoyaltyError> {
            Swift.Result { () throws(LoyaltyError) in
                var scanner = try LineScanner(bytes)
                return try body(&scanner)
            }
        }
        if let result = line.withContiguousStorageIfAvailable(run) {
            return try result.get()
        }
        return try Array(line).withUnsafeBufferPointer(run).get()
    }
}
