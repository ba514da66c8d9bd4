/// The number printed on a member's club card: ten digits, the last a Luhn check digit.
///
/// The check digit catches every single mistyped digit and most swapped neighbours before
/// the database is asked. Numbers are issued from a database sequence (see ``init(sequence:)``).
public struct MemberNumber: Sendable, Hashable, Codable, CustomStringConvertible {
    public let digits: String

    /// Digits in a member number, check digit included.
    public static let length = 10

    /// Validates a number typed at a till or in the CLI. Spaces and dashes are ignored.
    /// - Throws: `BAD_ARGUMENT` when the length or the check digit is wrong.
    public init(parsing text: some StringProtocol, argument: String = "member") throws(LoyaltyError) {
        let cleaned = text.utf8.filter { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "-") }
        guard cleaned.count == Self.length, cleaned.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
            throw .badArgument(argument, "a member number has \(Self.length) digits")
        }
        guard Self.luhnCheckDigit(for: cleaned.dropLast()) == cleaned.last else {
            throw .badArgument(argument, "member number check digit is wrong")
        }
        self.digits = String(decoding: cleaned, as: UTF8.self)
    }

    /// Builds the number for the n-th issued card: nine digits of body (zero-padded) and the check digit.
    /// - Precondition: `sequence` is in `1...999_999_999`.
    public init(sequence: Int64) {
        precondition((1...999_999_999).contains(sequence), "member sequence out of range")
        let body = String(sequence)
        let padded = Array((String(repeating: "0", count: Self.length - 1 - body.count) + body).utf8)
        let check = Self.luhnCheckDigit(for: padded[...])
        self.digits = String(decoding: padded + [check], as: UTF8.self)
    }

    public var description: String { digits }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        self = try MemberNumber(parsing: text)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(digits)
    }

    /// The Luhn (mod 10) check digit, as an ASCII byte, for a run of ASCII digits.
    static func luhnCheckDigit(for body: some Collection<UInt8>) -> UInt8 {
        var sum = 0
        for (index, byte) in body.reversed().enumerated() {
            var digit = Int(byte - UInt8(ascii: "0"))
            if index % 2 == 0 {
                digit *= 2
                if digit > 9 { digit -= 9 }
            }
            sum += digit
        }
        return UInt8(ascii: "0") + UInt8((10 - sum % 10) % 10)
    }
}
