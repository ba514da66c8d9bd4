import LoyaltyCore

/// Validation of the fields of a tier as a person types them (`tier add`, `tier update`) or a seed file
/// gives them, so that both are held to the same rules as ``TierDefinition``.
enum TierArguments {
    /// A tier's display name: 1 to 100 characters, no control characters.
    static func name(_ text: String) throws(LoyaltyError) -> String {
        try FieldRules.requiredText(text, field: "name", maximumLength: 100)
    }

    /// A rank: a whole number 0...1000 (0 is the lowest tier). Signs and decimals are refused.
    static func rank(_ text: String) throws(LoyaltyError) -> Int {
        guard !text.isEmpty, text.utf8.count <= 4, text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
            let rank = Int(text), (0...1000).contains(rank)
        else {
            throw .badArgument("rank", "a whole number 0...1000 expected, got '\(text.prefix(12))'")
        }
        return rank
    }

    /// Qualifying points needed to reach a tier: 0 (the starting tier) or a quantity of points.
    static func threshold(_ text: String) throws(LoyaltyError) -> Int64 {
        text == "0" ? 0 : try PointsQuantity.parse(text, argument: "threshold")
    }

    /// What the tier gives its members, shown to staff: at most 2000 characters, no control characters.
    static func benefits(_ text: String) throws(LoyaltyError) -> String {
        try FieldRules.text(text, field: "benefits", maximumLength: 2000)
    }

    /// `1.5x`: how tables show a stored multiplier.
    static func multiplierText(percent: Int) -> String {
        guard let multiplier = try? PointsMultiplier(percent: percent) else { return "\(percent)%" }
        return "\(multiplier)x"
    }
}
