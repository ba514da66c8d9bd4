import Foundation

/// A campaign as stored, with the size of its send list once sent.
public struct CampaignRecord: Sendable, Hashable, Codable {
    public var code: String
    public var name: String
    /// `email` or `sms`.
    public var channel: String
    public var segmentName: String?
    /// The segment's filter as it was at the send (JSON text); nil before.
    public var segmentFilter: String?
    /// `YYYY-MM-DD`, programme-local.
    public var startsOn: String
    public var endsOn: String?
    public var costMinor: Int64
    public var currency: String
    public var holdoutPercent: Int
    public var attributionDays: Int
    /// The bonus promotion's code.
    public var promotion: String?
    public var createdBy: String
    public var createdAt: Date
    public var sentAt: Date?
    public var sentBy: String?
    public var contacted: Int64
    public var holdout: Int64

    enum CodingKeys: String, CodingKey {
        case code, name, channel, segmentName = "segment_name", segmentFilter = "segment_filter", startsOn = "starts_on"
        case endsOn = "ends_on", costMinor = "cost_minor", currency, holdoutPercent = "holdout_percent"
        case attributionDays = "attribution_days", promotion, createdBy = "created_by", createdAt = "created_at"
        case sentAt = "sent_at", sentBy = "sent_by", contacted, holdout
    }
}
