/// What `loyalty member merge` did: the member kept, the one merged into it, and what moved.
public struct MemberMergeResult: Sendable, Hashable, Codable {
    /// The member kept.
    public var kept: String
    /// The member merged into it (now closed; its number resolves to `kept`).
    public var merged: String
    /// The kept member's balance after the merge.
    public var balance: Int64
    /// Points transferred (pending and expiring points keep their dates).
    public var points: Int64
    public var purchases: Int
    public var giftCards: Int
    public var interactions: Int
    public var followups: Int
    /// Campaign send-list entries moved (an entry stays when the kept member is on the same list).
    public var campaigns: Int
    /// Whether the kept member took the merged member's higher tier.
    public var tier: Bool
    /// Profile fields of the kept member that were blank and were filled from the other record.
    public var filled: [String]
}
