import Foundation
import LoyaltyCore
import LoyaltyStore

/// Validation of what people type for gift cards.
enum GiftCardArguments {
    /// A batch or card id: a positive whole number, digits only.
    static func identifier(_ text: String, _ argument: String) throws(LoyaltyError) -> Int64 {
        guard !text.isEmpty, text.utf8.count <= 18, text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
            let value = Int64(text), value > 0
        else {
            throw .badArgument(argument, "a positive whole number expected, got '\(text.prefix(20))'")
        }
        return value
    }

    /// A signed amount of `currency` (`+5.00`, `-5.00`; no sign is `+`), in minor units, never zero.
    static func signedAmount(_ text: String, currency: Currency) throws(LoyaltyError) -> Int64 {
        var magnitude = Substring(text)
        var sign: Int64 = 1
        if let first = magnitude.first, first == "+" || first == "-" {
            sign = first == "-" ? -1 : 1
            magnitude = magnitude.dropFirst()
        }
        let money = try Money(parsing: magnitude, currency: currency, argument: "amount")
        guard money.minorUnits != 0 else { throw .badArgument("amount", "an adjustment cannot be zero") }
        return sign * money.minorUnits
    }

    /// A reason for the audit log: required, 1 to 500 characters.
    static func reason(_ text: String?) throws(LoyaltyError) -> String {
        guard let text else { throw LoyaltyError.missingArgument("--reason") }
        return try FieldRules.requiredText(text, field: "reason", maximumLength: 500)
    }

    /// Minor units of a currency as a decimal amount (`2500`, `EUR` → `25.00`).
    static func money(_ minorUnits: Int64, _ currency: String) -> String {
        guard let currency = try? Currency(code: currency) else { return String(minorUnits) }
        return Money(minorUnits: minorUnits, currency: currency).decimalString
    }

    /// Today in the programme's time zone.
    static func today(timeZone: String) -> CalendarDate? {
        var calendar = Calendar(identifier: .gregorian)
        // The setting is checked against PostgreSQL's zones at start; an unknown one leaves the check to the database.
        guard let zone = TimeZone(identifier: timeZone) else { return nil }
        calendar.timeZone = zone
        let parts = calendar.dateComponents([.year, .month, .day], from: Date())
        guard let year = parts.year, let month = parts.month, let day = parts.day else { return nil }
        return try? CalendarDate(year: year, month: month, day: day)
    }
}
