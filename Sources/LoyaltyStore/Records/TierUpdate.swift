import LoyaltyCore

/// Changes to a tier; nil leaves a field as it is.
public struct TierUpdate: Sendable, Hashable {
    public var name: String?
    public var rank: Int?
    public var threshold: Int64?
    public var multiplier: PointsMultiplier?
    public var benefits: String?

    public init(name: String? = nil, rank: Int? = nil, threshold: Int64? = nil, multiplier: PointsMultiplier? = nil, benefits: String? = nil) {
        self.name = name
        self.rank = rank
        self.threshold = threshold
        self.multiplier = multiplier
        self.benefits = benefits
    }

    public var isEmpty: Bool { name == nil && rank == nil && threshold == nil && multiplier == nil && benefits == nil }
}
