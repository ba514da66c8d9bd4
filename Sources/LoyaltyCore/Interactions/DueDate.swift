/// When a follow-up is due, as an administrator gives it: a day (`2026-12-24`), or a number of days from
/// today in the programme's time zone (`today`, `tomorrow`, `+3d`). The store resolves relative days
/// against the database's clock, so that every command agrees on what today is.
public enum DueDate: Sendable, Hashable {
    case on(CalendarDate)
    case daysFromToday(Int)

    /// At most this many days ahead.
    public static let maximumDays = 3660

    /// Parses `YYYY-MM-DD`, `today`, `tomorrow` or `+Nd` (N from 0 to 3660).
    public init(parsing text: String) throws(LoyaltyError) {
        switch text.lowercased() {
        case "today": self = .daysFromToday(0)
        case "tomorrow": self = .daysFromToday(1)
        case let relative where relative.hasPrefix("+") && relative.hasSuffix("d"):
            let digits = relative.dropFirst().dropLast()
            guard !digits.isEmpty, digits.count <= 4,
                digits.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
                let days = Int(digits), days <= Self.maximumDays
            else {
                throw .badArgument("due", "+Nd with N from 0 to \(Self.maximumDays) expected, got '\(text.prefix(20))'")
            }
            self = .daysFromToday(days)
        default:
            do {
                self = .on(try CalendarDate(parsing: text, argument: "due"))
            } catch {
                throw .badArgument("due", "YYYY-MM-DD, today, tomorrow or +Nd expected, got '\(text.prefix(20))'")
            }
        }
    }
}
