/// The optional PIN of a gift card: 4 to 8 digits. Issued PINs have ``issuedLength`` digits from the
/// system's secure generator. The service keeps only a keyed hash, bound to the card's code.
public struct GiftCardPIN: Sendable, Hashable {
    /// Digits of a PIN the service issues.
    public static let issuedLength = 6

    /// The digits.
    public let digits: String

    /// - Throws: `BAD_ARGUMENT` unless the text is 4 to 8 ASCII digits.
    public init(parsing text: some StringProtocol, argument: String = "pin") throws(LoyaltyError) {
        guard (4...8).contains(text.utf8.count),
            text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
        else {
            throw .badArgument(argument, "a PIN has 4 to 8 digits")
        }
        digits = String(text)
    }

    private init(digits: String) {
        self.digits = digits
    }

    /// A PIN of ``issuedLength`` digits from the given generator.
    public static func random<G: RandomNumberGenerator>(using generator: inout G) -> GiftCardPIN {
        GiftCardPIN(digits: String((0..<issuedLength).map { _ in Character(String(Int.random(in: 0...9, using: &generator))) }))
    }

    /// A PIN from the system's secure generator.
    public static func random() -> GiftCardPIN {
        var generator = SystemRandomNumberGenerator()
        return random(using: &generator)
    }
}
