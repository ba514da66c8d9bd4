/// A reward's short code, the stable identifier tills and commands use: `coffee`, `tote-bag-2027`
/// (lower-case letters, digits, `-` and `_`, at most 32, starting with a letter or digit; like tier codes).
public struct RewardCode: Sendable, Hashable, CustomStringConvertible {
    public let value: String

    public init(parsing text: some StringProtocol, argument: String = "reward") throws(LoyaltyError) {
        let bytes = Array(text.utf8)
        let isLowerOrDigit = { (byte: UInt8) in
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
        }
        guard let first = bytes.first, isLowerOrDigit(first), bytes.count <= 32,
            bytes.allSatisfy({ isLowerOrDigit($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") })
        else {
            throw .badArgument(argument, "a code of lower-case letters, digits, - and _ (at most 32) expected")
        }
        value = String(text)
    }

    public var description: String { value }
}
