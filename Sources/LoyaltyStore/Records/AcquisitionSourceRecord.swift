import Foundation

/// An acquisition source as stored, with how many members it brought.
public struct AcquisitionSourceRecord: Sendable, Hashable, Codable {
    public var code: String
    public var name: String
    public var channel: String
    /// First and last day, `YYYY-MM-DD`, programme-local; nil when open.
    public var startsOn: String?
    public var endsOn: String?
    public var costMinor: Int64
    public var currency: String
    /// Members who carry this source (merged members not counted).
    public var members: Int64
    public var createdAt: Date
    public var updatedAt: Date

    enum CodingKeys: String, CodingKey {
        case code, name, channel, startsOn = "starts_on", endsOn = "ends_on", costMinor = "cost_minor", currency, members
        case createdAt = "created_at", updatedAt = "updated_at"
    }
}
