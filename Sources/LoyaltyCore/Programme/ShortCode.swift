/// The rule for the codes administrators give tiers, promotions and rewards: lower-case letters,
/// digits, `-` and `_`, at most 32, starting with a letter or digit. They appear in replies unquoted.
public enum ShortCode {
    public static func parse(_ text: some StringProtocol, argument: String) throws(LoyaltyError) -> String {
        let bytes = Array(text.utf8)
        let isLowerOrDigit = { (byte: UInt8) in
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
        }
        guard let first = bytes.first, isLowerOrDigit(first), bytes.count <= 32,
            bytes.allSatisfy({ isLowerOrDigit($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") })
        else {
            throw .badArgument(argument, "a code of lower-case letters, digits, - and _ (at most 32) expected")
        }
        return String(text)
    }
}
