import Foundation

/// A voucher as stored: never its code, only the code's last four characters.
public struct VoucherRecord: Sendable, Hashable, Codable {
    public var last4: String
    /// `valid`, `used` or `expired`.
    public var status: String
    public var reward: String
    public var rewardName: String
    public var member: String
    public var issuedAt: Date
    /// The last day it can be used, `YYYY-MM-DD`.
    public var expiresOn: String
    /// When, on which receipt and at which terminal it was used.
    public var usedAt: Date?
    public var receipt: String?
    public var usedBy: String?
    /// `claim` (points spent) or `grant` (issued by an administrator, with `grantReason`).
    public var source: String
    public var grantReason: String?

    enum CodingKeys: String, CodingKey {
        case last4, status, reward, rewardName = "reward_name", member, issuedAt = "issued_at", expiresOn = "expires_on"
        case usedAt = "used_at", receipt, usedBy = "used_by", source, grantReason = "grant_reason"
    }
}
