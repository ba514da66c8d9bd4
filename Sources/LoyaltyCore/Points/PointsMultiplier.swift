/// An earn multiplier (of a tier or a promotion), kept as a whole percentage so that no floating point touches points:
/// `1.5` is 150 %, and the bonus on a purchase is floor(base × (percent − 100) ÷ 100), computed by the ledger
/// (`loyalty_percent_bonus`, the one place that rounds percentages).
public struct PointsMultiplier: Sendable, Hashable, CustomStringConvertible {
    public let percent: Int

    public init(percent: Int) throws(LoyaltyError) {
        guard (100...1000).contains(percent) else {
            throw .badArgument("multiplier", "must be 1 to 10 (100% to 1000%)")
        }
        self.percent = percent
    }

    /// Parses `1`, `1.5` or `1.25` (at most two decimals).
    public init(parsing text: some StringProtocol) throws(LoyaltyError) {
        let parts = String(text).split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let whole = parts[0]
        let fraction = parts.count == 2 ? parts[1] : ""
        let isDigits = { (part: Substring) in part.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") } }
        guard !whole.isEmpty, whole.count <= 2, fraction.count <= 2, isDigits(whole), isDigits(fraction),
            parts.count == 1 || !fraction.isEmpty, let units = Int(whole)
        else {
            throw .badArgument("multiplier", "expected a number such as 1, 1.5 or 1.25, got '\(text.prefix(12))'")
        }
        let hundredths = (Int(fraction) ?? 0) * (fraction.count == 1 ? 10 : 1)
        try self.init(percent: units * 100 + hundredths)
    }

    /// `1.5`, `2`, `1.25`.
    public var description: String {
        let hundredths = percent % 100
        if hundredths == 0 { return "\(percent / 100)" }
        let fraction = hundredths % 10 == 0 ? "\(hundredths / 10)" : (hundredths < 10 ? "0\(hundredths)" : "\(hundredths)")
        return "\(percent / 100).\(fraction)"
    }
}
