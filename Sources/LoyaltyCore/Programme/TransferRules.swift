/// The limits of point transfers between members (`points.transfer-*`; docs/programme.md §10).
public struct TransferRules: Sendable, Hashable {
    /// The fewest points one transfer may move (`points.transfer-min`).
    public let minimumPoints: Int64
    /// The most points one transfer may move (`points.transfer-max`).
    public let maximumPoints: Int64
    /// The most points one member may send in any rolling 30 days (`points.transfer-max-30-days`).
    public let maximumPer30Days: Int64

    /// Checks that `1 ≤ minimum ≤ maximum ≤ maximumPer30Days ≤` ``PointsQuantity/maximum``.
    public init(minimumPoints: Int64 = 10, maximumPoints: Int64 = 10_000, maximumPer30Days: Int64 = 20_000)
        throws(LoyaltyError)
    {
        guard (1...PointsQuantity.maximum).contains(minimumPoints) else {
            throw .badArgument("points.transfer-min", "must be 1...\(PointsQuantity.maximum)")
        }
        guard (minimumPoints...PointsQuantity.maximum).contains(maximumPoints) else {
            throw .badArgument("points.transfer-max", "must be at least points.transfer-min (\(minimumPoints)) and at most \(PointsQuantity.maximum)")
        }
        guard (maximumPoints...PointsQuantity.maximum).contains(maximumPer30Days) else {
            throw .badArgument(
                "points.transfer-max-30-days", "must be at least points.transfer-max (\(maximumPoints)) and at most \(PointsQuantity.maximum)")
        }
        self.minimumPoints = minimumPoints
        self.maximumPoints = maximumPoints
        self.maximumPer30Days = maximumPer30Days
    }

    /// 10 to 10,000 points per transfer, at most 20,000 sent per member in 30 days.
    public static let standard = TransferRules(checked: ())

    private init(checked: Void) {
        minimumPoints = 10
        maximumPoints = 10_000
        maximumPer30Days = 20_000
    }
}
