import LoyaltyCore
import LoyaltyTestSupport
import Testing

@Suite("CalendarDate")
struct CalendarDateTests {
    @Test("knows leap years", arguments: [(2024, true), (2023, false), (2000, true), (1900, false), (2100, false), (1600, true)])
    func leapYears(year: Int, leap: Bool) throws {
        let text = "\(year)-02-29"
        if leap {
            #expect(try CalendarDate(parsing: text).description == text)
        } else {
            expectError(.badArgument) { () throws(LoyaltyError) in try CalendarDate(parsing: text) }
        }
        #expect(try CalendarDate(parsing: "\(year)-02-28").day == 28)
    }

    @Test("parses and prints YYYY-MM-DD", arguments: ["1985-07-14", "0001-01-01", "9999-12-31", "2026-11-23", "2024-04-30"])
    func roundTrip(text: String) throws {
        #expect(try CalendarDate(parsing: text).description == text)
    }

    @Test(
        "refuses other shapes and impossible dates",
        arguments: [
            "", "1985-7-14", "85-07-14", "1985/07/14", "1985-07-14T00:00", "19850714", "1985-13-01", "1985-00-10",
            "1985-04-31", "1985-07-32", "0000-01-01", "1985-07-+1", "１９８５-07-14", "1985-07-14 ",
        ])
    func refuses(text: String) {
        let error = expectError(.badArgument) { () throws(LoyaltyError) in
            try CalendarDate(parsing: text, argument: "birth_date")
        }
        #expect(error?.message.hasPrefix("birth_date:") == true)
    }

    @Test("orders by year, month, day")
    func ordering() throws {
        let dates = try ["2024-01-31", "2023-12-31", "2024-02-01"].map { text throws(LoyaltyError) in try CalendarDate(parsing: text) }
        #expect(dates.sorted().map(\.description) == ["2023-12-31", "2024-01-31", "2024-02-01"])
    }
}
