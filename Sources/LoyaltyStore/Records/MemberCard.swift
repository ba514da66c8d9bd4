import Foundation
import LoyaltyCore

/// What a till may see of a member: no contact details.
public struct MemberCard: Sendable, Hashable {
    public var number: String
    public var firstName: String
    public var lastName: String
    public var status: MemberStatus
    /// The balance, pending points included.
    public var points: Int64
    /// Points still inside their return window: in the balance, not yet spendable.
    public var pending: Int64
    /// Points the member can redeem now (not pending, not past their expiry date).
    public var spendable: Int64
    /// The day the member joined (UTC).
    public var since: String
    /// The member's tier, the next one up and the qualifying points still needed (nil without tiers).
    public var tier: String?
    public var nextTier: String?
    public var toNext: Int64?
}
