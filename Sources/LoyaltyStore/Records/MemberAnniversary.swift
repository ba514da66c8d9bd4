import Foundation

/// A member whose birthday or enrolment anniversary comes soon: a line of `member birthdays`.
public struct MemberAnniversary: Sendable, Hashable, Codable {
    public var member: String
    public var firstName: String
    public var lastName: String
    /// The day it falls on, `YYYY-MM-DD` (a 29 February birthday falls on 28 February in common years).
    public var on: String
    /// Days from today (0: today).
    public var inDays: Int
    /// The age the member turns, or the years since they joined.
    public var years: Int
    public var email: String?
    public var emailConsent: Bool
    public var phone: String?
    public var smsConsent: Bool

    enum CodingKeys: String, CodingKey {
        case member, firstName = "first_name", lastName = "last_name", on, inDays = "in_days", years, email
        case emailConsent = "email_consent", phone, smsConsent = "sms_consent"
    }
}
