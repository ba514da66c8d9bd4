/// A code a member redeems at a till for a reward voucher: 12 characters of ``CodeAlphabet`` (no
/// look-alikes), plus a check character, printed in groups: `ABCD-EFGH-JKMN-P`. Twelve characters carry
/// log2(31^12) ≈ 59 bits.
///
/// Parsing is forgiving about presentation only: lower case, spaces and dashes are accepted.
public struct RedemptionCode: Sendable, Hashable, CustomStringConvertible {
    /// The symbols, in the order of their values 0…30.
    public static var alphabet: [UInt8] { CodeAlphabet.symbols }
    /// Characters of the body, without the check character.
    public static let bodyLength = 12
    /// Characters of a complete code: the body and the check character.
    public static let length = bodyLength + 1

    /// The 13 characters without grouping, as stored and hashed: `ABCDEFGHJKMNP`.
    public let canonical: String

    /// Completes a body of ``bodyLength`` alphabet characters with its check character.
    public init(body: some StringProtocol) throws(LoyaltyError) {
        let values = try CodeAlphabet.values(of: body.utf8, argument: "code")
        guard values.count == Self.bodyLength else {
            throw .badArgument("code", "a code body has \(Self.bodyLength) characters")
        }
        canonical = CodeAlphabet.text(body: values)
    }

    /// Parses a code as a person or a till gives it: 13 alphabet characters in any case, spaces and
    /// dashes ignored. Refuses a wrong length, a character outside the alphabet, or a wrong check character.
    public init(parsing text: some StringProtocol, argument: String = "code") throws(LoyaltyError) {
        canonical = CodeAlphabet.text(
            body: try CodeAlphabet.parse(text, length: Self.length, argument: argument, example: Self.example))
    }

    /// The code whose body encodes `bytes` (at least 8; the first 16 are used) in the alphabet, as a
    /// base-31 number. Feed it the output of a keyed hash or of a random generator.
    public init(encoding bytes: some Collection<UInt8>) throws(LoyaltyError) {
        var number = Array(bytes.prefix(16))
        guard number.count >= 8 else { throw LoyaltyError(.internal, "a redemption code needs at least 8 bytes") }
        var digits: [Int] = []
        for _ in 0..<Self.bodyLength {
            // number = number / 31, remainder is the next digit (least significant first).
            var remainder = 0
            for index in number.indices {
                let value = remainder * 256 + Int(number[index])
                number[index] = UInt8(value / CodeAlphabet.radix)
                remainder = value % CodeAlphabet.radix
            }
            digits.append(remainder)
        }
        canonical = CodeAlphabet.text(body: digits.reversed())
    }

    private init(canonical: String) {
        self.canonical = canonical
    }

    /// A random code, from the system's secure generator unless another is given.
    public static func random<G: RandomNumberGenerator>(using generator: inout G) -> RedemptionCode {
        RedemptionCode(canonical: CodeAlphabet.text(body: CodeAlphabet.randomBody(length: bodyLength, using: &generator)))
    }

    /// A random code from the system's secure generator.
    public static func random() -> RedemptionCode {
        var generator = SystemRandomNumberGenerator()
        return random(using: &generator)
    }

    /// Grouped by four for printing and reading aloud: `ABCD-EFGH-JKMN-P`.
    public var grouped: String { CodeAlphabet.grouped(canonical) }

    /// The last four characters (check character included), which may be shown where the code may not.
    public var last4: String { String(canonical.suffix(4)) }

    /// The grouped form.
    public var description: String { grouped }

    /// How a code looks, for messages.
    public static let example = "ABCD-EFGH-JKMN-P"

    /// The value that makes Σ (position × value) ≡ 0 (mod 31) over the body and the check character.
    static func checkValue(for body: ArraySlice<Int>) -> Int {
        CodeAlphabet.checkValue(for: body)
    }
}
