/// What an import matches its rows to existing members by (`--match`).
public enum MemberImportKey: String, Sendable, Hashable, CaseIterable, CustomStringConvertible, Codable {
    case email
    case phone
    case externalID = "external-id"

    /// Parses `email`, `phone` or `external-id`.
    public init(parsing text: some StringProtocol) throws(LoyaltyError) {
        guard let key = MemberImportKey(rawValue: text.lowercased()) else {
            throw .badArgument("match", "email, phone or external-id")
        }
        self = key
    }

    /// The field that holds the key.
    public var field: MemberImportField {
        switch self {
        case .email: .email
        case .phone: .phone
        case .externalID: .externalID
        }
    }

    public var description: String { rawValue }
}
