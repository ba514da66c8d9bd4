/// A tier as an administrator defines it (docs/programme.md).
public struct TierDefinition: Sendable, Hashable {
    public var code: TierCode
    public var name: String
    /// Order of the tiers, lowest first; the lowest-ranked tier is where every member starts.
    public var rank: Int
    /// Qualifying points needed to reach the tier.
    public var threshold: Int64
    public var multiplier: PointsMultiplier
    public var benefits: String

    public init(
        code: TierCode, name: String, rank: Int, threshold: Int64, multiplier: PointsMultiplier, benefits: String = ""
    ) throws(LoyaltyError) {
        self.code = code
        self.name = try FieldRules.requiredText(name, field: "name", maximumLength: 100)
        guard (0...1000).contains(rank) else { throw .badArgument("rank", "must be 0...1000") }
        guard (0...PointsQuantity.maximum).contains(threshold) else {
            throw .badArgument("threshold", "must be 0...\(PointsQuantity.maximum) points")
        }
        guard benefits.count <= 2000 else { throw .badArgument("benefits", "at most 2000 characters") }
        self.rank = rank
        self.threshold = threshold
        self.multiplier = multiplier
        self.benefits = benefits
    }
}
