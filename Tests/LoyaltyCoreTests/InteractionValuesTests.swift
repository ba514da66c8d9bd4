import LoyaltyCore
import LoyaltyTestSupport
import Testing

/// The values of interactions and follow-ups as the CLI parses them (docs/interactions.md).
@Suite("Interaction values")
struct InteractionValuesTests {
    @Test("kinds, channels and statuses parse their names, case-insensitively, and refuse others")
    func names() throws {
        #expect(try InteractionKind(parsing: "service-request") == .serviceRequest)
        #expect(try InteractionKind(parsing: "Complaint").isCase)
        #expect(try !InteractionKind(parsing: "note").isCase)
        #expect(try InteractionChannel(parsing: "store") == .store)
        #expect(try CaseStatus(parsing: "in-progress") == .inProgress)
        expectError(.badArgument) { () throws(LoyaltyError) in try InteractionKind(parsing: "letter") }
        expectError(.badArgument) { () throws(LoyaltyError) in try InteractionKind(parsing: "service_request") }
        expectError(.badArgument) { () throws(LoyaltyError) in try InteractionChannel(parsing: "fax") }
        expectError(.badArgument) { () throws(LoyaltyError) in try CaseStatus(parsing: "closed") }
        expectError(.badArgument) { () throws(LoyaltyError) in try FollowUpWindow(parsing: "month") }
        #expect(try FollowUpWindow(parsing: "week").lastDay == 7)
        #expect(try FollowUpWindow(parsing: "overdue").lastDay == -1)
        #expect(FollowUpWindow.all.lastDay == nil)
    }

    @Test("due days: a date, today, tomorrow, +Nd up to 3660; nothing else")
    func dueDates() throws {
        #expect(try DueDate(parsing: "today") == .daysFromToday(0))
        #expect(try DueDate(parsing: "Tomorrow") == .daysFromToday(1))
        #expect(try DueDate(parsing: "+0d") == .daysFromToday(0))
        #expect(try DueDate(parsing: "+14d") == .daysFromToday(14))
        #expect(try DueDate(parsing: "+3660d") == .daysFromToday(3660))
        #expect(try DueDate(parsing: "2026-12-24") == .on(try CalendarDate(year: 2026, month: 12, day: 24)))
        for bad in ["", "+d", "+3661d", "+-1d", "3d", "+3", "2026-02-30", "2026-1-1", "yesterday", "+1w"] {
            expectError(.badArgument) { () throws(LoyaltyError) in try DueDate(parsing: bad) }
        }
    }

    @Test("the birthday bonus rules: 0...1,000,000 points (0 off), 0...31 catch-up days")
    func bonusRules() throws {
        #expect(!BirthdayBonusRules.standard.isOn && BirthdayBonusRules.standard.catchUpDays == 7)
        #expect(try BirthdayBonusRules(points: 1_000_000, catchUpDays: 31).isOn)
        #expect(try BirthdayBonusRules(points: 0, catchUpDays: 0) == BirthdayBonusRules(points: 0, catchUpDays: 0))
        expectError(.badArgument) { () throws(LoyaltyError) in try BirthdayBonusRules(points: -1) }
        expectError(.badArgument) { () throws(LoyaltyError) in try BirthdayBonusRules(points: 1_000_001) }
        expectError(.badArgument) { () throws(LoyaltyError) in try BirthdayBonusRules(points: 10, catchUpDays: 32) }
        expectError(.badArgument) { () throws(LoyaltyError) in try BirthdayBonusRules(points: 10, catchUpDays: -1) }
    }

    @Test("a body may have line breaks and tabs, not other control characters, and has a length limit")
    func body() throws {
        #expect(try FieldRules.multilineText("  one\nline\ttwo  ", field: "body", maximumLength: 100) == "one\nline\ttwo")
        expectError(.badArgument) { () throws(LoyaltyError) in try FieldRules.multilineText("bell\u{07}", field: "body", maximumLength: 100) }
        expectError(.badArgument) { () throws(LoyaltyError) in try FieldRules.multilineText(String(repeating: "x", count: 101), field: "body", maximumLength: 100) }
    }
}
