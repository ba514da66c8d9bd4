import LoyaltyCore
import LoyaltyTestSupport
import Testing

@Suite("ImportTimestamp")
struct ImportTimestampTests {
    @Test(
        "ISO dates, with or without a time, fraction and offset",
        arguments: [
            ("2010-12-01", "2010-12-01 00:00:00"),
            ("2010-12-01 08:26", "2010-12-01 08:26:00"),
            ("2010-12-01T08:26:00", "2010-12-01 08:26:00"),
            ("2010-12-01t8:26", "2010-12-01 08:26:00"),
            ("2010-12-01 23:59:59.5", "2010-12-01 23:59:59.5"),
            ("2010-12-01T08:26:00,250", "2010-12-01 08:26:00.25"),
            ("2010-12-01T08:26:00.123456789Z", "2010-12-01 08:26:00.123456+00:00"),
            ("2010-12-01T08:26:00+01:00", "2010-12-01 08:26:00+01:00"),
            ("2010-12-01T08:26:00+0100", "2010-12-01 08:26:00+01:00"),
            ("2010-12-01 08:26-05:30", "2010-12-01 08:26:00-05:30"),
            ("2010-12-01 08:26:00 +01", "2010-12-01 08:26:00+01:00"),
            ("2010-12-01 08:26z", "2010-12-01 08:26:00+00:00"),
            ("  2010-12-01  08:26  ", "2010-12-01 08:26:00"),
            ("2012-02-29", "2012-02-29 00:00:00"),
            ("1900-01-01", "1900-01-01 00:00:00"),
            ("2999-12-31 23:59", "2999-12-31 23:59:00"),
            ("2010-2-3", "2010-02-03 00:00:00"),
        ])
    func iso(text: String, sql: String) throws {
        #expect(try ImportTimestamp(parsing: text, format: .iso).sqlText == sql)
    }

    @Test(
        "month/day/year dates, as in the UCI data set",
        arguments: [
            ("12/1/2010 8:26", "2010-12-01 08:26:00"),
            ("12/01/2010 08:26:00", "2010-12-01 08:26:00"),
            ("12/1/2010", "2010-12-01 00:00:00"),
            ("1/31/2011 17:05", "2011-01-31 17:05:00"),
            ("2/29/2012 23:59", "2012-02-29 23:59:00"),
        ])
    func monthDayYear(text: String, sql: String) throws {
        #expect(try ImportTimestamp(parsing: text, format: .monthDayYear).sqlText == sql)
    }

    @Test(
        "day/month/year dates, with slashes or dots",
        arguments: [
            ("1/12/2010 8:26", "2010-12-01 08:26:00"),
            ("01.12.2010 08:26", "2010-12-01 08:26:00"),
            ("31.01.2011", "2011-01-31 00:00:00"),
            ("29/2/2012 0:00:01", "2012-02-29 00:00:01"),
        ])
    func dayMonthYear(text: String, sql: String) throws {
        #expect(try ImportTimestamp(parsing: text, format: .dayMonthYear).sqlText == sql)
    }

    @Test(
        "impossible dates and times, and other shapes, are refused",
        arguments: [
            ("13/45/2010 8:26", ImportDateFormat.monthDayYear),
            ("13/1/2010", .monthDayYear),
            ("2/30/2010", .monthDayYear),
            ("2/29/2011", .monthDayYear),
            ("4/31/2011", .monthDayYear),
            ("12/1/10 8:26", .monthDayYear),
            ("12/1/2010 24:00", .monthDayYear),
            ("12/1/2010 8:60", .monthDayYear),
            ("12/1/2010 8:6", .monthDayYear),
            ("12/1/2010 8:26:60", .monthDayYear),
            ("12/1/2010 8", .monthDayYear),
            ("12/1/2010T8:26", .monthDayYear),
            ("12/1/2010 8:26 PM", .monthDayYear),
            ("12-1-2010", .monthDayYear),
            ("1/13/2010", .dayMonthYear),
            ("01.12/2010", .dayMonthYear),
            ("1-12-2010", .dayMonthYear),
            ("1899-12-31", .iso),
            ("3000-01-01", .iso),
            ("2010-12-01T", .iso),
            ("2010-12-01x", .iso),
            ("2010/12/01", .iso),
            ("10-12-01", .iso),
            ("2010-12-01 08:26:00.", .iso),
            ("2010-12-01 08:26+15:00", .iso),
            ("2010-12-01 08:26+01:60", .iso),
            ("2010-12-01 08:26+1", .iso),
            ("2010-12-01 08:26 Europe/Berlin", .iso),
            ("12/1/2010 8:26", .iso),
            ("", .iso),
            ("   ", .iso),
        ])
    func refuses(text: String, format: ImportDateFormat) {
        let error = expectError(.badArgument) { () throws(LoyaltyError) in try ImportTimestamp(parsing: text, format: format) }
        #expect(error?.message == "date: not a date in the format \(format)")
    }

    @Test("spaces around a date alone are ignored")
    func surroundingSpaces() throws {
        #expect(try ImportTimestamp(parsing: " 12/1/2010 ", format: .monthDayYear).sqlText == "2010-12-01 00:00:00")
        #expect(try ImportTimestamp(parsing: "2010-12-01 ", format: .iso).sqlText == "2010-12-01 00:00:00")
    }

    @Test("the parts and the memberwise initialiser's checks")
    func parts() throws {
        let timestamp = try ImportTimestamp(parsing: "2010-12-01T08:26:07.000250-03:30", format: .iso)
        #expect(timestamp.date == (try CalendarDate(year: 2010, month: 12, day: 1)))
        #expect(timestamp.hour == 8)
        #expect(timestamp.minute == 26)
        #expect(timestamp.second == 7)
        #expect(timestamp.microsecond == 250)
        #expect(timestamp.utcOffsetMinutes == -210)
        #expect(timestamp.sqlText == "2010-12-01 08:26:07.00025-03:30")
        let date = try CalendarDate(year: 2010, month: 12, day: 1)
        #expect(try ImportTimestamp(date: date, hour: 23, minute: 59, second: 59).description == "2010-12-01 23:59:59")
        expectError(.badArgument) { () throws(LoyaltyError) in try ImportTimestamp(date: date, hour: 24) }
        expectError(.badArgument) { () throws(LoyaltyError) in try ImportTimestamp(date: date, minute: 60) }
        expectError(.badArgument) { () throws(LoyaltyError) in try ImportTimestamp(date: date, microsecond: 1_000_000) }
        expectError(.badArgument) { () throws(LoyaltyError) in try ImportTimestamp(date: date, utcOffsetMinutes: 15 * 60) }
        let old = try CalendarDate(year: 1850, month: 1, day: 1)
        expectError(.badArgument) { () throws(LoyaltyError) in try ImportTimestamp(date: old) }
    }
}
