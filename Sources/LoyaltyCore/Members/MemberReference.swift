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
        } else if Self.looksLikeCardNumber(text) {
            // A mistyped card number, not a phone number: say that its check digit is wrong.
            self = .number(try MemberNumber(parsing: text))
        } else {
            self = .phone(try PhoneNumber(parsing: text, defaultRegion: defaultRegion))
        }
    }

    /// Ten digits that are not a plausible phone number: no `+`, and either not starting with `0` (a
    /// national trunk prefix) or starting with `00`, which no national number does and every card
    /// number issued so far does.
    static func looksLikeCardNumber(_ text: some StringProtocol) -> Bool {
        let digits = text.utf8.filter { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
        guard digits.count == MemberNumber.length, !text.hasPrefix("+") else { return false }
        return !text.hasPrefix("0") || text.hasPrefix("00")
    }
}
