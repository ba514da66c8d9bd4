import LoyaltyCore
import LoyaltyStore

/// Validation of the fields of a reward as a person types them (`reward add`, `reward update`).
enum RewardArguments {
    /// The word that clears an optional field in `reward update`.
    static let none = "none"

    /// A reward's display name: 1 to 100 characters, no control characters.
    static func name(_ text: String) throws(LoyaltyError) -> String {
        try FieldRules.requiredText(text, field: "name", maximumLength: 100)
    }

    /// Points a claim costs: 1 to a billion.
    static func cost(_ text: String) throws(LoyaltyError) -> Int64 {
        try PointsQuantity.parse(text, argument: "cost")
    }

    /// Vouchers that may still be issued: 0 (sold out) or a quantity.
    static func stock(_ text: String) throws(LoyaltyError) -> Int64 {
        text == "0" ? 0 : try PointsQuantity.parse(text, argument: "stock")
    }

    static func date(_ text: String, _ argument: String) throws(LoyaltyError) -> CalendarDate {
        try CalendarDate(parsing: text, argument: argument)
    }

    static func tier(_ text: String) throws(LoyaltyError) -> TierCode {
        do {
            return try TierCode(parsing: text)
        } catch {
            throw .badArgument("min-tier", "a tier code expected")
        }
    }

    /// An optional field of `reward update`: nil keeps it, `none` clears it, anything else sets it.
    static func change<Value>(_ text: String?, _ parse: (String) throws(LoyaltyError) -> Value) throws(LoyaltyError)
        -> RewardUpdate.Change<Value>
    {
        guard let text else { return .keep }
        if text == none { return .clear }
        return .set(try parse(text))
    }
}
