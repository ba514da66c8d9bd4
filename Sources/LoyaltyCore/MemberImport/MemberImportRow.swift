/// One validated row of a member import. A field is nil when the file does not give it (no column, or an
/// empty cell): an update leaves it as it is.
public struct MemberImportRow: Sendable, Hashable {
    /// The physical line of the file the row starts on.
    public var line: Int
    public var firstName: String?
    public var lastName: String?
    public var email: EmailAddress?
    public var phone: PhoneNumber?
    public var birthDate: CalendarDate?
    public var addressLine1: String?
    public var addressLine2: String?
    public var postalCode: String?
    public var city: String?
    /// ISO 3166-1 alpha-2, upper case.
    public var country: String?
    public var preferredStore: String?
    public var sourceChannel: String?
    public var sourceCampaign: String?
    public var externalID: String?
    public var emailConsent: Bool?
    public var smsConsent: Bool?
    /// Normalised, without duplicates, sorted; the member's tags become exactly these.
    public var tags: [String]?

    public init(line: Int) {
        self.line = line
    }

    /// The row's value of the match key, normalised as it is stored.
    public func value(of key: MemberImportKey) -> String? {
        switch key {
        case .email: email?.value
        case .phone: phone?.e164
        case .externalID: externalID
        }
    }
}
