/// The date and time of a purchase as written in an import file, with the UTC offset if the file gave one.
///
/// Without an offset it is a wall-clock time; the store reads it in the programme's time zone.
public struct ImportTimestamp: Sendable, Hashable, CustomStringConvertible {
    public let date: CalendarDate
    /// `0...23`.
    public let hour: Int
    /// `0...59`.
    public let minute: Int
    /// `0...59`.
    public let second: Int
    /// `0...999_999`; digits of a fraction beyond microseconds are dropped.
    public let microsecond: Int
    /// Minutes east of UTC (`+01:00` is 60), or nil for a local time.
    public let utcOffsetMinutes: Int?

    /// The years an import accepts; anything else is a typo.
    public static let years = 1900...2999
    /// The largest UTC offset accepted, in minutes either way (14 hours).
    public static let maximumOffsetMinutes = 14 * 60

    /// - Throws: `BAD_ARGUMENT` when a part is out of range.
    public init(
        date: CalendarDate, hour: Int = 0, minute: Int = 0, second: Int = 0, microsecond: Int = 0,
        utcOffsetMinutes: Int? = nil
    ) throws(LoyaltyError) {
        guard Self.years.contains(date.year) else { throw .badArgument("date", "year out of range") }
        guard (0...23).contains(hour), (0...59).contains(minute), (0...59).contains(second),
            (0...999_999).contains(microsecond)
        else {
            throw .badArgument("date", "no such time")
        }
        if let utcOffsetMinutes, abs(utcOffsetMinutes) > Self.maximumOffsetMinutes {
            throw .badArgument("date", "UTC offset out of range")
        }
        self.date = date
        self.hour = hour
        self.minute = minute
        self.second = second
        self.microsecond = microsecond
        self.utcOffsetMinutes = utcOffsetMinutes
    }

    /// Parses a date, optionally followed by a time, in `format` (see ``ImportDateFormat``).
    ///
    /// After the date may come a space (or `T` in ISO), then `H:MM` or `H:MM:SS` (hours with one or two
    /// digits), an optional fraction of a second, and an optional UTC offset: `Z`, `+01:00`, `+0100` or `+01`.
    /// Surrounding spaces are ignored. Dates must exist (no 30 February).
    /// - Throws: `BAD_ARGUMENT` when the text is not such a date.
    public init(parsing text: some StringProtocol, format: ImportDateFormat, argument: String = "date") throws(LoyaltyError) {
        guard let timestamp = Self.parse(Array(text.utf8)[...], format: format) else {
            throw .badArgument(argument, "not a date in the format \(format)")
        }
        self = timestamp
    }

    /// Parses the bytes of a timestamp, as ``init(parsing:format:argument:)`` does, without building an error.
    static func parse(_ bytes: ArraySlice<UInt8>, format: ImportDateFormat) -> ImportTimestamp? {
        var scanner = ByteScanner(bytes)
        scanner.skipSpaces()
        guard let date = parseDate(&scanner, format: format) else { return nil }
        var hour = 0
        var minute = 0
        var second = 0
        var microsecond = 0
        var offset: Int?
        let spaced = scanner.skipSpaces() > 0
        let timeMarked = !spaced && format == .iso && scanner.take(oneOf: [UInt8(ascii: "T"), UInt8(ascii: "t")]) != nil
        if timeMarked || (spaced && !scanner.isAtEnd) {
            guard let hours = scanner.number(digits: 1...2), scanner.take(UInt8(ascii: ":")),
                let minutes = scanner.number(digits: 2...2)
            else { return nil }
            hour = hours
            minute = minutes
            if scanner.take(UInt8(ascii: ":")) {
                guard let seconds = scanner.number(digits: 2...2) else { return nil }
                second = seconds
                if scanner.take(oneOf: [UInt8(ascii: "."), UInt8(ascii: ",")]) != nil {
                    guard let fraction = parseFraction(&scanner) else { return nil }
                    microsecond = fraction
                }
            }
            scanner.skipSpaces()
            if !scanner.isAtEnd {
                guard let minutesEast = parseOffset(&scanner) else { return nil }
                offset = minutesEast
            }
            scanner.skipSpaces()
        }
        guard scanner.isAtEnd else { return nil }
        return try? ImportTimestamp(
            date: date, hour: hour, minute: minute, second: second, microsecond: microsecond, utcOffsetMinutes: offset)
    }

    private static func parseDate(_ scanner: inout ByteScanner, format: ImportDateFormat) -> CalendarDate? {
        let year: Int
        let month: Int
        let day: Int
        switch format {
        case .iso:
            guard let y = scanner.number(digits: 4...4), scanner.take(UInt8(ascii: "-")),
                let m = scanner.number(digits: 1...2), scanner.take(UInt8(ascii: "-")),
                let d = scanner.number(digits: 1...2)
            else { return nil }
            (year, month, day) = (y, m, d)
        case .monthDayYear:
            guard let m = scanner.number(digits: 1...2), scanner.take(UInt8(ascii: "/")),
                let d = scanner.number(digits: 1...2), scanner.take(UInt8(ascii: "/")),
                let y = scanner.number(digits: 4...4)
            else { return nil }
            (year, month, day) = (y, m, d)
        case .dayMonthYear:
            guard let d = scanner.number(digits: 1...2),
                let separator = scanner.take(oneOf: [UInt8(ascii: "/"), UInt8(ascii: ".")]),
                let m = scanner.number(digits: 1...2), scanner.take(separator),
                let y = scanner.number(digits: 4...4)
            else { return nil }
            (year, month, day) = (y, m, d)
        }
        guard years.contains(year) else { return nil }
        return try? CalendarDate(year: year, month: month, day: day)
    }

    /// 1 to 9 digits after the decimal point, as microseconds (further digits are dropped, not rounded).
    private static func parseFraction(_ scanner: inout ByteScanner) -> Int? {
        let (value, count) = scanner.digitsValue(maximum: 9)
        guard count > 0 else { return nil }
        var microseconds = value
        if count < 6 {
            for _ in count..<6 { microseconds *= 10 }
        } else {
            for _ in 6..<count { microseconds /= 10 }
        }
        return microseconds
    }

    /// `Z`, or a sign and `HH:MM`, `HHMM` or `HH`, as minutes east of UTC.
    private static func parseOffset(_ scanner: inout ByteScanner) -> Int? {
        if scanner.take(oneOf: [UInt8(ascii: "Z"), UInt8(ascii: "z")]) != nil { return 0 }
        guard let sign = scanner.take(oneOf: [UInt8(ascii: "+"), UInt8(ascii: "-")]),
            let hours = scanner.number(digits: 2...2)
        else { return nil }
        var minutes = 0
        if scanner.take(UInt8(ascii: ":")) {
            guard let value = scanner.number(digits: 2...2) else { return nil }
            minutes = value
        } else if !scanner.isAtEnd {
            guard let value = scanner.number(digits: 2...2) else { return nil }
            minutes = value
        }
        guard minutes < 60 else { return nil }
        let total = hours * 60 + minutes
        return sign == UInt8(ascii: "-") ? -total : total
    }

    /// The timestamp as PostgreSQL input: `2010-12-01 08:26:00`, with a fraction if there is one
    /// (`08:26:00.25`) and the offset if there is one (`2010-12-01 08:26:00+01:00`).
    public var sqlText: String {
        var text = "\(date) \(Self.twoDigits(hour)):\(Self.twoDigits(minute)):\(Self.twoDigits(second))"
        if microsecond > 0 {
            var digits = String(microsecond)
            digits = String(repeating: "0", count: 6 - digits.count) + digits
            while digits.hasSuffix("0") { digits.removeLast() }
            text += "." + digits
        }
        if let utcOffsetMinutes {
            let sign = utcOffsetMinutes < 0 ? "-" : "+"
            let magnitude = abs(utcOffsetMinutes)
            text += "\(sign)\(Self.twoDigits(magnitude / 60)):\(Self.twoDigits(magnitude % 60))"
        }
        return text
    }

    public var description: String { sqlText }

    private static func twoDigits(_ value: Int) -> String {
        value < 10 ? "0\(value)" : String(value)
    }
}
