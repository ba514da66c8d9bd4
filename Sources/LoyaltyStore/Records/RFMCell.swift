/// The members with one recency and one frequency score (a cell of the 5 × 5 RFM grid).
public struct RFMCell: Sendable, Hashable, Codable {
    /// 1 (longest ago) to 5 (most recent).
    public var recency: Int
    /// 1 (fewest purchase days) to 5 (most).
    public var frequency: Int
    public var members: Int64
    /// Their net spend together, minor units of the report's currency.
    public var spend: Int64

    public init(recency: Int, frequency: Int, members: Int64, spend: Int64) {
        self.recency = recency
        self.frequency = frequency
        self.members = members
        self.spend = spend
    }
}
