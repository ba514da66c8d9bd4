/// How the dates of an import file are written. The raw values are the command line's.
public enum ImportDateFormat: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// ISO 8601: `2010-12-01`, `2010-12-01 08:26`, `2010-12-01T08:26:00.250+01:00`.
    case iso
    /// Month first, as in the United States: `12/1/2010 8:26`, `12/01/2010 08:26:00`.
    case monthDayYear = "m/d/y"
    /// Day first, as in most of Europe: `1/12/2010 8:26`, `01.12.2010 08:26`.
    case dayMonthYear = "d/m/y"

    /// Looks a format up by its command-line name.
    /// - Throws: `BAD_ARGUMENT` naming the known formats.
    public init(parsing text: String, argument: String = "date-format") throws(LoyaltyError) {
        guard let format = ImportDateFormat(rawValue: text.lowercased()) else {
            let known = Self.allCases.map(\.rawValue).joined(separator: ", ")
            throw .badArgument(argument, "unknown date format '\(text.prefix(20))' (known: \(known))")
        }
        self = format
    }

    public var description: String { rawValue }
}
