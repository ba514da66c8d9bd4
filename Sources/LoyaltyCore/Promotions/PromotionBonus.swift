/// What a promotion adds to a purchase's earn.
public enum PromotionBonus: Sendable, Hashable {
    /// A multiple of the base points: `2` (double points) adds the base once more, rounded down.
    case multiplier(PointsMultiplier)
    /// A fixed number of points.
    case points(Int64)
}
