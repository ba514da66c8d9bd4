import LoyaltyCore

/// The validated fields of a member to create, at the till (ENROLL) or by an administrator.
public struct NewMember: Sendable, Hashable {
    public var firstName: String
    public var lastName: String
    public var email: EmailAddress?
    public var phone: PhoneNumber?
    public var birthDate: CalendarDate?
    public var emailConsent: Bool
    public var smsConsent: Bool
    public var address: PostalAddress
    public var preferredStore: String?
    public var sourceChannel: String?
    public var sourceCampaign: String?
    public var externalID: String?
    public var tags: [String]
    /// The acquisition source's code (`loyalty source list`); an unknown one is refused.
    public var source: RecordCode?

    public init(
        firstName: String, lastName: String, email: EmailAddress? = nil, phone: PhoneNumber? = nil,
        birthDate: CalendarDate? = nil, emailConsent: Bool = false, smsConsent: Bool = false,
        address: PostalAddress = PostalAddress(), preferredStore: String? = nil, sourceChannel: String? = nil,
        sourceCampaign: String? = nil, externalID: String? = nil, tags: [String] = [], source: RecordCode? = nil
    ) {
        self.firstName = firstName
        self.lastName = lastName
        self.email = email
        self.phone = phone
        self.birthDate = birthDate
        self.emailConsent = emailConsent
        self.smsConsent = smsConsent
        self.address = address
        self.preferredStore = preferredStore
        self.sourceChannel = sourceChannel
        self.sourceCampaign = sourceCampaign
        self.externalID = externalID
        self.tags = tags
        self.source = source
    }
}

/// A postal address; every part optional.
public struct PostalAddress: Sendable, Hashable {
    public var line1: String?
    public var line2: String?
    public var postalCode: String?
    public var city: String?
    /// ISO 3166-1 alpha-2, upper case.
    public var country: String?

    public init(line1: String? = nil, line2: String? = nil, postalCode: String? = nil, city: String? = nil, country: String? = nil) {
        self.line1 = line1
        self.line2 = line2
        self.postalCode = postalCode
        self.city = city
        self.country = country
    }
}
