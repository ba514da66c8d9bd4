/// A code a member redeems at a till (a reward voucher now; gift cards later): 12 characters of an
/// alphabet without look-alikes, plus a check character, printed in groups: `ABCD-EFGH-JKMN-P`.
///
/// The alphabet has 31 symbols, `23456789ABCDEFGHJKMNPQRSTUVWXYZ` (no `0`/`O`, `1`/`I`/`L`), so that a
/// code read aloud or copied by hand is unambiguous. 31 is prime, which makes the check character strong:
/// with the weights 1…13 of the positions, Σ weight × value ≡ 0 (mod 31) over the whole code, so any one
/// mistyped character and any two swapped characters (adjacent or not) are caught before a database is
/// asked. Twelve characters carry log2(31^12) ≈ 59 bits.
///
/// Parsing is forgiving about presentation only: lower case, spaces and dashes are accepted.
public struct RedemptionCode: Sendable, Hashable, CustomStringConvertible {
    /// The symbols, in the order of their values 0…30.
    public static let alphabet: [UInt8] = Array("23456789ABCDEFGHJKMNPQRSTUVWXYZ".utf8)
    /// Characters of the body, without the check character.
    public static let bodyLength = 12
    /// Characters of a complete code: the body and the check character.
    public static let length = bodyLength + 1

    /// The 13 characters without grouping, as stored and hashed: `ABCDEFGHJKMNP`.
    public let canonical: String

    /// Completes a body of ``bodyLength`` alphabet characters with its check character.
    public init(body: some StringProtocol) throws(LoyaltyError) {
        let values = try Self.values(of: body, argument: "code")
        guard values.count == Self.bodyLength else {
            throw .badArgument("code", "a code body has \(Self.bodyLength) characters")
        }
        self.init(checkedBody: values)
    }

    /// Parses a code as a person or a till gives it: 13 alphabet characters in any case, spaces and
    /// dashes ignored. Refuses a wrong length, a character outside the alphabet, or a wrong check character.
    public init(parsing text: some StringProtocol, argument: String = "code") throws(LoyaltyError) {
        let stripped = text.utf8.filter { $0 != UInt8(ascii: "-") && $0 != UInt8(ascii: " ") }
        guard stripped.count == Self.length else {
            throw .badArgument(argument, "a code has \(Self.length) characters (\(Self.example))")
        }
        let values = try Self.values(of: String(decoding: stripped, as: UTF8.self), argument: argument)
        guard Self.checkValue(for: values.prefix(Self.bodyLength)) == values[Self.bodyLength] else {
            throw .badArgument(argument, "the code's check character is wrong; check for a typo")
        }
        self.init(checkedBody: Array(values.prefix(Self.bodyLength)))
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
                number[index] = UInt8(value / Self.alphabet.count)
                remainder = value % Self.alphabet.count
            }
            digits.append(remainder)
        }
        self.init(checkedBody: digits.reversed())
    }

    /// A random code, from the system's secure generator unless another is given.
    public static func random<G: RandomNumberGenerator>(using generator: inout G) -> RedemptionCode {
        let values = (0..<bodyLength).map { _ in Int.random(in: 0..<alphabet.count, using: &generator) }
        return RedemptionCode(checkedBody: values)
    }

    /// A random code from the system's secure generator.
    public static func random() -> RedemptionCode {
        var generator = SystemRandomNumberGenerator()
        return random(using: &generator)
    }

    /// Grouped by four for printing and reading aloud: `ABCD-EFGH-JKMN-P`.
    public var grouped: String {
        var text = ""
        for (index, character) in canonical.enumerated() {
            if index > 0, index % 4 == 0 { text.append("-") }
            text.append(character)
        }
        return text
    }

    /// The last four characters (check character included), which may be shown where the code may not.
    public var last4: String { String(canonical.suffix(4)) }

    /// The grouped form.
    public var description: String { grouped }

    /// How a code looks, for messages.
    public static let example = "ABCD-EFGH-JKMN-P"

    private init(checkedBody values: [Int]) {
        let all = values + [Self.checkValue(for: values[...])]
        canonical = String(decoding: all.map { Self.alphabet[$0] }, as: UTF8.self)
    }

    /// The value that makes Σ (position × value) ≡ 0 (mod 31) over the body (positions 1…12) and the
    /// check character (position 13).
    static func checkValue(for body: ArraySlice<Int>) -> Int {
        let modulus = alphabet.count
        var sum = 0
        for (offset, value) in body.enumerated() { sum = (sum + (offset + 1) * value) % modulus }
        // 13 × 12 = 156 = 5 × 31 + 1, so 12 is the inverse of 13 modulo 31.
        let inverseOfWeight13 = 12
        return ((modulus - sum) % modulus) * inverseOfWeight13 % modulus
    }

    /// The alphabet values of `text`'s characters, upper-casing ASCII letters.
    private static func values(of text: some StringProtocol, argument: String) throws(LoyaltyError) -> [Int] {
        var values: [Int] = []
        for byte in text.utf8 {
            let upper = (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) ? byte - 32 : byte
            guard let value = alphabet.firstIndex(of: upper) else {
                let hint = "0O1IL".utf8.contains(upper) ? " (codes never contain 0, O, 1, I or L)" : ""
                throw .badArgument(argument, "a code uses only 2-9 and letters other than I, L and O\(hint)")
            }
            values.append(value)
        }
        return values
    }
}
