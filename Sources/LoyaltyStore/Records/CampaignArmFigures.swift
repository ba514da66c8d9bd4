/// One arm of a sent campaign (contacted or holdout): its members, how many of them bought within the
/// attribution window after the contact (holdout: after the send), and what they spent.
public struct CampaignArmFigures: Sendable, Hashable, Codable {
    public var members: Int64
    public var purchasers: Int64
    /// Sales within the window less the returns of those sales, in minor units of the tracker currency.
    public var revenueMinor: Int64

    enum CodingKeys: String, CodingKey {
        case members, purchasers, revenueMinor = "revenue_minor"
    }

    public init(members: Int64, purchasers: Int64, revenueMinor: Int64) {
        self.members = members
        self.purchasers = purchasers
        self.revenueMinor = revenueMinor
    }
}
