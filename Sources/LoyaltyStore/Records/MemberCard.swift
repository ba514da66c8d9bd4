import Foundation
import LoyaltyCore

/// What a till may see of a member: no contact details.
public struct MemberCard: Sendable, Hashable {
    public var number: String
    public var firstName: String
    public var lastName: String
    public var status: MemberStatus
    public var points: Int64
    /// The day the member joined (UTC).
    public var since: String
    /// The member's tier, the next one up and the qualifying points still needed (nil without tiers).
    public var tier: String?
    public var nextTier: String?
    public var toNext: Int64?
}
