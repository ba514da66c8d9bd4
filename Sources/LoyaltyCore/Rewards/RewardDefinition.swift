/// A reward as an administrator defines it (docs/programme.md, Rewards).
public struct RewardDefinition: Sendable, Hashable {
    public var code: RewardCode
    /// Display name, 1 to 100 characters.
    public var name: String
    /// Points a claim spends, 1 to ``PointsQuantity/maximum``.
    public var cost: Int64
    /// Vouchers that may still be issued; nil for no limit.
    public var stock: Int64?
    /// First and last day the reward can be claimed (inclusive); nil for no limit.
    public var validFrom: CalendarDate?
    public var validUntil: CalendarDate?
    /// The lowest tier whose members may claim it; nil for everyone.
    public var minimumTier: TierCode?

    public init(
        code: RewardCode, name: String, cost: Int64, stock: Int64? = nil, validFrom: CalendarDate? = nil,
        validUntil: CalendarDate? = nil, minimumTier: TierCode? = nil
    ) throws(LoyaltyError) {
        self.code = code
        self.name = try FieldRules.requiredText(name, field: "name", maximumLength: 100)
        guard (1...PointsQuantity.maximum).contains(cost) else {
            throw .badArgument("cost", "must be 1...\(PointsQuantity.maximum) points")
        }
        if let stock, !(0...PointsQuantity.maximum).contains(stock) {
            throw .badArgument("stock", "must be 0...\(PointsQuantity.maximum)")
        }
        if let validFrom, let validUntil, validUntil < validFrom {
            throw .badArgument("until", "the last day comes before the first")
        }
        self.cost = cost
        self.stock = stock
        self.validFrom = validFrom
        self.validUntil = validUntil
        self.minimumTier = minimumTier
    }
}
