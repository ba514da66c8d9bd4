/// The members of one named RFM segment (`champions`, `loyal`, … `lost`; docs/purchases.md).
public struct RFMSegmentCount: Sendable, Hashable, Codable {
    public var segment: String
    public var members: Int64
    /// Their net spend together, minor units of the report's currency.
    public var spend: Int64
    /// Sum over the members of the days since their last purchase: the average is `÷ members`.
    public var daysSinceLastPurchase: Int64

    public init(segment: String, members: Int64, spend: Int64, daysSinceLastPurchase: Int64) {
        self.segment = segment
        self.members = members
        self.spend = spend
        self.daysSinceLastPurchase = daysSinceLastPurchase
    }
}
