/// `report campaigns`: the sent campaigns' attribution, revenue in ``currency`` (`tracker.currency`).
public struct CampaignReport: Sendable, Hashable, Codable {
    public var currency: String
    public var campaigns: [CampaignAttribution]

    public init(currency: String, campaigns: [CampaignAttribution]) {
        self.currency = currency
        self.campaigns = campaigns
    }
}
