/// What a promotion adds to a purchase's earn.
public enum PromotionBonus: Sendable, Hashable {
    /// A multiple of the base points: `2` (double points) adds the base once more, rounded down.
    case multiplier(PointsMultiplier)
    /// A fixed number of points.
    case points(Int64)

    /// The bonus on top of `base` points.
    public func bonus(on base: Int64) -> Int64 {
        switch self {
        case .multiplier(let multiplier): multiplier.bonus(on: base)
        case .points(let points): points
        }
    }
}
