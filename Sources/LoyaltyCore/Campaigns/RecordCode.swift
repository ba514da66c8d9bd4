/// The code of an acquisition source or a campaign: 1 to 64 lower-case letters, digits, `-` and `_`,
/// starting with a letter or digit (the CHECK of `acquisition_sources.code` and `campaigns.code`).
public struct RecordCode: Sendable, Hashable, Codable, CustomStringConvertible {
    public let value: String

    /// Parses `text` as given (codes are not folded to lower case); `argument` names it in the error.
    public init(parsing text: String, argument: String) throws(LoyaltyError) {
        let bytes = Array(text.utf8)
        let isLowerOrDigit = { (byte: UInt8) in
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
        }
        guard let first = bytes.first, isLowerOrDigit(first), bytes.count <= 64,
            bytes.allSatisfy({ isLowerOrDigit($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") })
        else {
            throw .badArgument(argument, "'\(text.prefix(40))': 1 to 64 lower-case letters, digits, '-' and '_'")
        }
        value = text
    }

    public var description: String { value }
}
