import Foundation

/// A gift card as an administrator sees it: never its code, only the last four characters. Amounts are
/// minor units of ``currency``.
public struct GiftCardRecord: Sendable, Hashable, Codable {
    public var id: Int64
    public var batch: Int64
    /// The last four characters of the code.
    public var last4: String
    /// `inactive`, `active`, `blocked`, `closed`, or `expired` once its last day has passed (programme days).
    public var state: String
    public var currency: String
    public var balance: Int64
    /// Held for captures still to come.
    public var held: Int64
    /// The balance less the held amount.
    public var available: Int64
    /// The last day it can be used, `YYYY-MM-DD`.
    public var expires: String?
    /// The number of the member it is linked to.
    public var member: String?
    /// Whether the card has a PIN.
    public var pin: Bool
    public var issuedBy: String
    public var issuedAt: Date
    /// The kind and time of the card's latest activity.
    public var lastActivity: String?
    public var lastActivityAt: Date?

    enum CodingKeys: String, CodingKey {
        case id, batch, last4, state, currency, balance, held, available, expires, member, pin
        case issuedBy = "issued_by", issuedAt = "issued_at", lastActivity = "last_activity", lastActivityAt = "last_activity_at"
    }
}
