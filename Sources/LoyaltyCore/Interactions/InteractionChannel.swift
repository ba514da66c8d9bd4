/// How an interaction happened.
public enum InteractionChannel: String, Sendable, Hashable, Codable, CaseIterable {
    case phone, email, sms, store, web, chat, social, mail, other

    /// Parses a channel as the CLI takes it.
    public init(parsing text: String) throws(LoyaltyError) {
        guard let channel = Self(rawValue: text.lowercased()) else {
            throw .badArgument("channel", "one of \(Self.allCases.map(\.rawValue).joined(separator: ", ")) expected, got '\(text.prefix(20))'")
        }
        self = channel
    }
}
