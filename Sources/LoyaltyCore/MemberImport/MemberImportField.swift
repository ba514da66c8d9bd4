/// A member field an import file can give. The raw values are the names used in `--map`.
public enum MemberImportField: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case firstName = "first-name"
    case lastName = "last-name"
    case email
    case phone
    case birthDate = "birth-date"
    case addressLine1 = "address-line1"
    case addressLine2 = "address-line2"
    case postalCode = "postal-code"
    case city
    case country
    case preferredStore = "preferred-store"
    case sourceChannel = "source-channel"
    case sourceCampaign = "source-campaign"
    case externalID = "external-id"
    case emailConsent = "email-consent"
    case smsConsent = "sms-consent"
    case tags

    public var description: String { rawValue }

    /// The header names found without `--map`, as ``headerKey(_:)`` writes them: the field's own name
    /// first (so `first-name`, `first_name`, `First Name` and `firstname` all match), then common
    /// names other tools use.
    public var headerNames: [String] {
        let own = Self.headerKey(rawValue)
        let others: [String] =
            switch self {
            case .firstName: ["givenname", "forename"]
            case .lastName: ["surname", "familyname"]
            case .email: ["emailaddress", "mail"]
            case .phone: ["phonenumber", "mobile", "telephone"]
            case .birthDate: ["dateofbirth", "birthday", "dob"]
            case .addressLine1: ["address1", "address", "street"]
            case .addressLine2: ["address2"]
            case .postalCode: ["postcode", "zip", "zipcode"]
            case .city: ["town"]
            case .country: ["countrycode"]
            case .preferredStore: ["store", "homestore"]
            case .sourceChannel: ["source"]
            case .sourceCampaign: ["campaign"]
            case .externalID: ["customerid", "customer"]
            case .emailConsent: ["emailoptin"]
            case .smsConsent: ["smsoptin"]
            case .tags: ["tag"]
            }
        return [own] + others
    }

    /// A header name as it is compared with ``headerNames``: lower case, without spaces, `-`, `_` and `.`.
    public static func headerKey(_ name: some StringProtocol) -> String {
        String(name.lowercased().filter { $0 != " " && $0 != "-" && $0 != "_" && $0 != "." && $0 != "\t" })
    }
}
