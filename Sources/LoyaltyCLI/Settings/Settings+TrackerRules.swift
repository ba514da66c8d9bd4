import Configuration
import LoyaltyCore

extension Settings {
    /// The repeat-purchase tracker's rules from `tracker.currency`, `tracker.lapsed-rule` (`days` or `gap`),
    /// `tracker.lapsed-days`, `tracker.lapsed-multiple` (e.g. `3` or `2.5`), `tracker.lapsed-floor-days` and
    /// `tracker.at-risk-percent` (docs/purchases.md).
    static func trackerRules(_ config: ConfigReader) throws(LoyaltyError) -> TrackerRules {
        do throws(LoyaltyError) {
            let currency = try Currency(code: config.string(forKey: "tracker.currency", default: "EUR"))
            let ruleName = config.string(forKey: "tracker.lapsed-rule", default: "days")
            guard let kind = LapseRule.Kind(rawValue: ruleName) else {
                throw LoyaltyError.badArgument("tracker.lapsed-rule", "must be days or gap, got '\(ruleName)'")
            }
            let lapse = try LapseRule(
                kind: kind, days: integer(config, "tracker.lapsed-days", default: 180),
                multiplePercent: try multiplePercent(config), floorDays: integer(config, "tracker.lapsed-floor-days", default: 90),
                atRiskPercent: integer(config, "tracker.at-risk-percent", default: 50))
            return TrackerRules(currency: currency, lapse: lapse)
        } catch {
            throw LoyaltyError(.configuration, error.message)
        }
    }

    /// `tracker.lapsed-multiple` in hundredths: `3` → 300, `2.5` → 250 (at most two decimals).
    private static func multiplePercent(_ config: ConfigReader) throws(LoyaltyError) -> Int {
        if let whole = config.int(forKey: "tracker.lapsed-multiple") { return whole * 100 }
        let text: String
        if let string = config.string(forKey: "tracker.lapsed-multiple") {
            text = string
        } else if let number = config.double(forKey: "tracker.lapsed-multiple") {
            // A JSON number such as 2.5; its shortest decimal form is what the administrator wrote.
            text = String(number)
        } else {
            return 300
        }
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let whole = parts.first.flatMap({ Int($0) }), whole >= 0, whole <= 100,
            parts.count == 1 || (parts[1].count <= 2 && !parts[1].isEmpty && parts[1].allSatisfy(\.isNumber))
        else {
            throw LoyaltyError.badArgument("tracker.lapsed-multiple", "must be a number such as 3 or 2.5, got '\(text)'")
        }
        let fraction = parts.count == 2 ? (Int(parts[1]) ?? 0) * (parts[1].count == 1 ? 10 : 1) : 0
        return whole * 100 + fraction
    }
}
