import Foundation

/// One entry of a member's tier history.
public struct TierChange: Sendable, Hashable, Codable {
    public var at: Date
    /// The tier before (nil when the member had none, e.g. the first tiers were defined later).
    public var from: String?
    public var to: String
    /// `qualified`, `manual` or `downgrade`.
    public var reason: String
    public var note: String?
    public var actor: String?
    /// The ledger entry that caused a qualification.
    public var entry: Int64?
}
