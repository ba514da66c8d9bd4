import Foundation

/// A member with points about to expire: a line of the marketer's reminder list.
public struct ExpiringPoints: Sendable, Hashable, Codable {
    public var member: String
    public var firstName: String
    public var lastName: String
    public var email: String?
    public var phone: String?
    public var emailConsent: Bool
    public var smsConsent: Bool
    /// Points that expire within the period asked for.
    public var points: Int64
    /// When the first of them expire.
    public var firstExpiry: Date
    /// The member's balance now.
    public var balance: Int64

    enum CodingKeys: String, CodingKey {
        case member, firstName = "first_name", lastName = "last_name", email, phone, emailConsent = "email_consent"
        case smsConsent = "sms_consent", points, firstExpiry = "first_expiry", balance
    }
}
