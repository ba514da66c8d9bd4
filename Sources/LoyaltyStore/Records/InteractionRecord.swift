import Foundation
import LoyaltyCore

/// One entry of a member's interaction history. Complaints and service requests also have a status and
/// an owner; `resolvedAt` says when one was resolved.
public struct InteractionRecord: Sendable, Hashable, Codable {
    public var id: Int64
    /// The member's number.
    public var member: String
    public var kind: InteractionKind
    public var channel: InteractionChannel
    /// Who recorded it (the CLI's actor).
    public var author: String
    public var occurredAt: Date
    public var summary: String
    public var body: String
    public var status: CaseStatus?
    public var owner: String?
    public var resolvedAt: Date?
    public var createdAt: Date
    public var updatedAt: Date

    enum CodingKeys: String, CodingKey {
        case id, member, kind, channel, author, occurredAt = "occurred_at", summary, body, status, owner
        case resolvedAt = "resolved_at", createdAt = "created_at", updatedAt = "updated_at"
    }
}
