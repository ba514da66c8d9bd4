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

    /// Parses a reference typed by a person: anything with `@` is an email; ten digits starting with
    /// `00` are a card number (no national phone number starts with `00`, and every card number does
    /// until the programme passes ten million members); otherwise a phone number if it is one in the
    /// default region, else a card number (so that a mistyped card gets a check-digit error).
    public init(parsing text: some StringProtocol, defaultRegion: PhoneNumber.Region) throws(LoyaltyError) {
        if text.contains("@") {
            self = .email(try EmailAddress(parsing: text))
        } else if Self.isTenDigits(text), text.hasPrefix("00") {
            self = .number(try MemberNumber(parsing: text))
        } else if let phone = try? PhoneNumber(parsing: text, defaultRegion: defaultRegion) {
            self = .phone(phone)
        } else if Self.isTenDigits(text) {
            self = .number(try MemberNumber(parsing: text))
        } else {
            self = .phone(try PhoneNumber(parsing: text, defaultRegion: defaultRegion))
        }
    }

    /// Ten digits, possibly grouped with spaces, and nothing else.
    static func isTenDigits(_ text: some StringProtocol) -> Bool {
        let digits = text.utf8.filter { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }.count
        return digits == MemberNumber.length && text.utf8.allSatisfy { ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) || $0 == UInt8(ascii: " ") }
    }
}
