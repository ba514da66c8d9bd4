/// Validation of short operator-chosen identifiers: terminal names, store codes, receipt references.
public enum Identifier {
    /// 1 to `maximumLength` characters of letters, digits and `-_.:/#`; no spaces, no quotes.
    public static func parse(_ text: some StringProtocol, argument: String, maximumLength: Int = 64) throws(LoyaltyError) -> String {
        guard (1...maximumLength).contains(text.utf8.count),
            text.utf8.allSatisfy({ RequestID.allowed($0) || $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "#") })
        else {
            throw .badArgument(argument, "1 to \(maximumLength) characters of A-Z a-z 0-9 - _ . : / #")
        }
        return String(text)
    }
}
