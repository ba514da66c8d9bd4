/// The state of a complaint or service request.
public enum CaseStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case open
    case inProgress = "in-progress"
    case resolved

    /// Parses a status as the CLI takes it (`in-progress`).
    public init(parsing text: String) throws(LoyaltyError) {
        guard let status = Self(rawValue: text.lowercased()) else {
            throw .badArgument("status", "one of open, in-progress, resolved expected, got '\(text.prefix(20))'")
        }
        self = status
    }
}
