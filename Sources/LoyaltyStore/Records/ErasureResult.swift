import Foundation

/// What the erasure of one member removed (`member erase`): the kinds of data, never their values.
public struct ErasureResult: Sendable, Hashable, Codable {
    public var member: String
    public var erasedAt: Date
    /// Kinds of data removed from the record: `name`, `email`, `phone`, `birth_date`, `address`,
    /// `external_id`, `source_campaign`, `tags`, `email_consent`, `sms_consent`.
    public var removed: [String]
    /// Whether the member was open (active or suspended) and was closed by the erasure.
    public var closed: Bool
    /// Interactions and follow-ups whose text was blanked, send-list entries whose address was removed.
    public var interactions: Int
    public var followups: Int
    public var campaignAddresses: Int

    enum CodingKeys: String, CodingKey {
        case member, erasedAt = "erased_at", removed, closed, interactions, followups, campaignAddresses = "campaign_addresses"
    }
}
