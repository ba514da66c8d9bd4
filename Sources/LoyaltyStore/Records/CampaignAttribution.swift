import Foundation

/// The attribution figures of one sent campaign: both arms over the same window (docs/campaigns.md).
public struct CampaignAttribution: Sendable, Hashable, Codable {
    public var code: String
    public var name: String
    public var channel: String
    public var sentAt: Date
    public var windowDays: Int
    public var holdoutPercent: Int
    public var costMinor: Int64
    public var costCurrency: String
    public var contacted: CampaignArmFigures
    public var holdout: CampaignArmFigures

    public init(
        code: String, name: String, channel: String, sentAt: Date, windowDays: Int, holdoutPercent: Int, costMinor: Int64,
        costCurrency: String, contacted: CampaignArmFigures, holdout: CampaignArmFigures
    ) {
        self.code = code
        self.name = name
        self.channel = channel
        self.sentAt = sentAt
        self.windowDays = windowDays
        self.holdoutPercent = holdoutPercent
        self.costMinor = costMinor
        self.costCurrency = costCurrency
        self.contacted = contacted
        self.holdout = holdout
    }
}
