import LoyaltyCore
import NIOCore

/// Turns one request line into a typed ``Request``, validating every value.
///
/// Errors are `LoyaltyError`s with the protocol's codes: `BAD_REQUEST` (the line cannot be tokenised,
/// see ``LineTokenizer``), `UNKNOWN_COMMAND`, `MISSING_ARGUMENT` and `BAD_ARGUMENT` (an unknown key
/// for the verb, an empty value, or a value the LoyaltyCore types refuse).
public struct RequestParser: Sendable {
    /// The region whose calling code is assumed for phone numbers written without one.
    public let defaultRegion: PhoneNumber.Region

    /// - Parameter defaultRegion: the country assumed for national phone numbers (`0151 …`).
    public init(defaultRegion: PhoneNumber.Region) {
        self.defaultRegion = defaultRegion
    }

    /// Parses a line (without its LF) as delivered by ``LineFrameDecoder``.
    public func parse(_ line: ByteBuffer) throws(LoyaltyError) -> Request {
        try parse(tokens: LineTokenizer.tokenize(line.readableBytesView))
    }

    /// Parses a line given as text (without its LF).
    public func parse(_ line: String) throws(LoyaltyError) -> Request {
        try parse(tokens: LineTokenizer.tokenize(line.utf8))
    }

    /// Whether the line holds nothing but spaces and tabs. The server ignores such lines without a reply.
    public static func isBlank(_ line: ByteBuffer) -> Bool {
        line.readableBytesView.allSatisfy(ASCII.isBlank)
    }

    /// Whether the text holds nothing but spaces and tabs.
    public static func isBlank(_ line: String) -> Bool {
        line.utf8.allSatisfy(ASCII.isBlank)
    }

    /// Builds the request for an already tokenised line.
    public func parse(tokens line: TokenizedLine) throws(LoyaltyError) -> Request {
        switch line.verb {
        case "PING":
            _ = try RequestArguments(line, allowed: [])
            return .ping
        case "HEALTH":
            _ = try RequestArguments(line, allowed: [])
            return .health
        case "HELP":
            _ = try RequestArguments(line, allowed: [])
            return .help
        case "QUIT":
            _ = try RequestArguments(line, allowed: [])
            return .quit
        case "AUTH": return try auth(line)
        case "MEMBER": return .member(try memberOnly(line))
        case "BALANCE": return .balance(try memberOnly(line))
        case "HISTORY": return try history(line)
        case "ENROLL": return .enroll(try enroll(line))
        case "EARN": return .earn(try earn(line))
        case "REDEEM": return .redeem(try redeem(line))
        case "REVERSE": return .reverse(try reverse(line))
        case "REWARDS": return .rewards(try memberOnly(line))
        case "CLAIM": return .claim(try claim(line))
        case "VOUCHER": return .voucher(try voucher(line))
        case "USE": return .use(try use(line))
        case let verb where verb == "GIFT" || verb.hasPrefix("GIFT "): return try gift(line)
        default: throw LoyaltyError(.unknownCommand, "unknown command \(InputExcerpt.of(line.verb))")
        }
    }
}
