import Foundation
import LoyaltyCore

/// A member's full contact record, as administrators see it.
public struct MemberRecord: Sendable, Hashable, Codable {
    public var number: String
    public var firstName: String
    public var lastName: String
    public var email: String?
    public var phone: String?
    public var birthDate: String?
    public var addressLine1: String?
    public var addressLine2: String?
    public var postalCode: String?
    public var city: String?
    public var country: String?
    public var preferredStore: String?
    public var sourceChannel: String?
    public var sourceCampaign: String?
    public var externalID: String?
    public var emailConsent: Bool
    public var emailConsentAt: Date?
    public var smsConsent: Bool
    public var smsConsentAt: Date?
    public var tags: [String]
    public var status: MemberStatus
    public var points: Int64
    public var createdAt: Date
    public var updatedAt: Date
    public var closedAt: Date?
    /// The acquisition source's code.
    public var acquisitionSource: String?
    /// When the member's personal data was erased (the record is then anonymous and final).
    public var erasedAt: Date? = nil

    enum CodingKeys: String, CodingKey {
        case number, firstName = "first_name", lastName = "last_name", email, phone, birthDate = "birth_date"
        case addressLine1 = "address_line1", addressLine2 = "address_line2", postalCode = "postal_code", city, country
        case preferredStore = "preferred_store", sourceChannel = "source_channel", sourceCampaign = "source_campaign"
        case externalID = "external_id", emailConsent = "email_consent", emailConsentAt = "email_consent_at"
        case smsConsent = "sms_consent", smsConsentAt = "sms_consent_at", tags, status, points
        case createdAt = "created_at", updatedAt = "updated_at", closedAt = "closed_at", erasedAt = "erased_at"
        case acquisitionSource = "acquisition_source"
    }
}
