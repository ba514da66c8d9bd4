/// The number of a gift card: 15 random characters of ``CodeAlphabet`` (no look-alikes) and a check
/// character, printed in four groups: `ABCD-EFGH-JKMN-PQRS`.
///
/// Fifteen characters from the system's secure generator carry log2(31^15) ≈ 74 bits: a till that could
/// try a million codes a second (the service allows a handful of failures per quarter hour) would need
/// hundreds of years to find one of a million live cards. The check character catches every single
/// mistyped character and every swap of two characters before the database is asked. A gift card code
/// is one character longer than a voucher code, so the two are never mistaken for each other.
public struct GiftCardCode: Sendable, Hashable, CustomStringConvertible {
    /// Characters of the body, without the check character.
    public static let bodyLength = 15
    /// Characters of a complete code.
    public static let length = bodyLength + 1
    /// How a code looks, for messages.
    public static let example = "ABCD-EFGH-JKMN-PQRS"

    /// The 16 characters without grouping, as hashed: `ABCDEFGHJKMNPQRS`.
    public let canonical: String

    /// Parses a code as a person or a till gives it: 16 alphabet characters in any case, spaces and
    /// dashes ignored. Refuses a wrong length, a character outside the alphabet, or a wrong check character.
    public init(parsing text: some StringProtocol, argument: String = "code") throws(LoyaltyError) {
        canonical = CodeAlphabet.text(
            body: try CodeAlphabet.parse(text, length: Self.length, argument: argument, example: Self.example))
    }

    private init(canonical: String) {
        self.canonical = canonical
    }

    /// A random code, from the given generator (tests) or the system's secure generator.
    public static func random<G: RandomNumberGenerator>(using generator: inout G) -> GiftCardCode {
        GiftCardCode(canonical: CodeAlphabet.text(body: CodeAlphabet.randomBody(length: bodyLength, using: &generator)))
    }

    /// A random code from the system's secure generator.
    public static func random() -> GiftCardCode {
        var generator = SystemRandomNumberGenerator()
        return random(using: &generator)
    }

    /// Grouped by four: `ABCD-EFGH-JKMN-PQRS`.
    public var grouped: String { CodeAlphabet.grouped(canonical) }

    /// The last four characters (check character included): all that is kept in clear, for display.
    public var last4: String { String(canonical.suffix(4)) }

    public var description: String { grouped }
}
