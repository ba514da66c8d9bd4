import Foundation

/// A webhook subscription as stored: where events go, which ones, and its state.
public struct WebhookRecord: Sendable, Hashable, Encodable {
    public var id: Int64
    public var url: String
    /// Exact event types or prefixes ending in a dot.
    public var types: [String]
    public var status: String
    public var note: String?
    public var createdBy: String
    public var createdAt: Date
    /// Deliveries waiting, delivered and dead.
    public var pending: Int64
    public var delivered: Int64
    public var dead: Int64
    /// The random salt the signing secret is derived from (never printed).
    public var secretSalt: [UInt8]

    enum CodingKeys: String, CodingKey {
        case id, url, types = "events", status, note, createdBy = "created_by", createdAt = "created_at", pending, delivered, dead
    }
}
