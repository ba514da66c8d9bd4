/// Which follow-ups `followup list --due` shows, by due day (days local to the programme's time zone).
public enum FollowUpWindow: String, Sendable, Hashable, CaseIterable {
    /// Due today or earlier: what must be done now (the default).
    case today
    /// Due before today.
    case overdue
    /// Due within the next 7 days, or earlier.
    case week
    /// Whatever the due day.
    case all

    /// Days after today that the window reaches (nil: no limit); `overdue` ends yesterday.
    public var lastDay: Int? {
        switch self {
        case .today: 0
        case .overdue: -1
        case .week: 7
        case .all: nil
        }
    }

    /// Parses `today`, `overdue`, `week` or `all`.
    public init(parsing text: String) throws(LoyaltyError) {
        guard let window = Self(rawValue: text.lowercased()) else {
            throw .badArgument("due", "one of today, overdue, week, all expected, got '\(text.prefix(20))'")
        }
        self = window
    }
}
