/// How a till or an administrator names a member: by card number, phone or email.
public enum MemberReference: Sendable, Hashable, CustomStringConvertible {
    case number(MemberNumber)
    case phone(PhoneNumber)
    case email(EmailAddress)

    /// The lookup kind as the store names it: `number`, `phone` or `email`.
    public var kind: String {
        switch self {
        case .number: "number"
        case .phone: "phone"
        case .email: "email"
        }
    }

    /// The normalised value looked up.
    public var value: String {
        switch self {
        case .number(let number): number.digits
        case .phone(let phone): phone.e164
        case .email(let email): email.value
        }
    }

    public var description: String { "\(kind)=\(value)" }

    /// Parses a reference typed by a person: a 10-digit string with a valid check digit is a member
    /// number, anything with `@` an email, anything else a phone number.
    public init(parsing text: some StringProtocol, defaultRegion: PhoneNumber.Region) throws(LoyaltyError) {
        if text.contains("@") {
            self = .email(try EmailAddress(parsing: text))
        } else if let number = try? MemberNumber(parsing: text) {
            self = .number(number)
        } else if !text.hasPrefix("+"), !text.hasPrefix("0"),
            text.utf8.filter({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }).count == MemberNumber.length
        {
            // Ten digits that fail the check digit are a mistyped card number, not a phone number.
            self = .number(try MemberNumber(parsing: text))
        } else {
            self = .phone(try PhoneNumber(parsing: text, defaultRegion: defaultRegion))
        }
    }
}
