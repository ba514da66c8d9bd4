/// One member in a member export: the whole profile, consent, points and tier. An erased member's row
/// carries only the number, status `erased`, points, tier and the creation time.
public struct MemberExportRow: Sendable, Hashable, Codable {
    public var member: String
    /// `active`, `suspended`, `closed`, or `erased` for a closed member whose personal data was removed.
    public var status: String
    public var firstName: String?
    public var lastName: String?
    public var email: String?
    public var phone: String?
    /// `YYYY-MM-DD`.
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
    public var emailConsent: Bool?
    /// UTC, `YYYY-MM-DDTHH:MM:SSZ`.
    public var emailConsentAt: String?
    public var smsConsent: Bool?
    public var smsConsentAt: String?
    public var tags: [String]
    public var points: Int64
    public var tier: String?
    public var createdAt: String
    public var updatedAt: String?

    public init(
        member: String, status: String, firstName: String? = nil, lastName: String? = nil, email: String? = nil,
        phone: String? = nil, birthDate: String? = nil, addressLine1: String? = nil, addressLine2: String? = nil,
        postalCode: String? = nil, city: String? = nil, country: String? = nil, preferredStore: String? = nil,
        sourceChannel: String? = nil, sourceCampaign: String? = nil, externalID: String? = nil, emailConsent: Bool? = nil,
        emailConsentAt: String? = nil, smsConsent: Bool? = nil, smsConsentAt: String? = nil, tags: [String] = [],
        points: Int64, tier: String? = nil, createdAt: String, updatedAt: String? = nil
    ) {
        self.member = member
        self.status = status
        self.firstName = firstName
        self.lastName = lastName
        self.email = email
        self.phone = phone
        self.birthDate = birthDate
        self.addressLine1 = addressLine1
        self.addressLine2 = addressLine2
        self.postalCode = postalCode
        self.city = city
        self.country = country
        self.preferredStore = preferredStore
        self.sourceChannel = sourceChannel
        self.sourceCampaign = sourceCampaign
        self.externalID = externalID
        self.emailConsent = emailConsent
        self.emailConsentAt = emailConsentAt
        self.smsConsent = smsConsent
        self.smsConsentAt = smsConsentAt
        self.tags = tags
        self.points = points
        self.tier = tier
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// The CSV columns, in order; the import reads those named like its fields and ignores the others.
    public static let csvColumns = [
        "member", "status", "first_name", "last_name", "email", "phone", "birth_date", "address_line1", "address_line2",
        "postal_code", "city", "country", "preferred_store", "source_channel", "source_campaign", "external_id",
        "email_consent", "email_consent_at", "sms_consent", "sms_consent_at", "tags", "points", "tier", "created_at",
        "updated_at",
    ]

    /// The cells of the row in the order of ``csvColumns``: consent as `yes`/`no`, tags separated by `;`.
    public var csvCells: [String] {
        func yesNo(_ value: Bool?) -> String { value.map { $0 ? "yes" : "no" } ?? "" }
        return [
            member, status, firstName ?? "", lastName ?? "", email ?? "", phone ?? "", birthDate ?? "", addressLine1 ?? "",
            addressLine2 ?? "", postalCode ?? "", city ?? "", country ?? "", preferredStore ?? "", sourceChannel ?? "",
            sourceCampaign ?? "", externalID ?? "", yesNo(emailConsent), emailConsentAt ?? "", yesNo(smsConsent),
            smsConsentAt ?? "", tags.joined(separator: ";"), String(points), tier ?? "", createdAt, updatedAt ?? "",
        ]
    }

    enum CodingKeys: String, CodingKey {
        case member, status, firstName = "first_name", lastName = "last_name", email, phone, birthDate = "birth_date"
        case addressLine1 = "address_line1", addressLine2 = "address_line2", postalCode = "postal_code", city, country
        case preferredStore = "preferred_store", sourceChannel = "source_channel", sourceCampaign = "source_campaign"
        case externalID = "external_id", emailConsent = "email_consent", emailConsentAt = "email_consent_at"
        case smsConsent = "sms_consent", smsConsentAt = "sms_consent_at", tags, points, tier
        case createdAt = "created_at", updatedAt = "updated_at"
    }
}
