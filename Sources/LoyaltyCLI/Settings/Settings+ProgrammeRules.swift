import Configuration
import LoyaltyCore

extension Settings {
    /// The programme's rules from `tiers.*`, `points.*` (the transfer limits `points.transfer-min`,
    /// `points.transfer-max` and `points.transfer-max-30-days` included) and `programme.time-zone`
    /// (docs/operations.md).
    static func programmeRules(_ config: ConfigReader) throws(LoyaltyError) -> ProgrammeRules {
        do throws(LoyaltyError) {
            let measure: TierRules.Measure
            switch config.string(forKey: "tiers.qualify-by", default: "points") {
            case "points": measure = .points
            case "spend": measure = .spend(try Currency(code: config.string(forKey: "tiers.spend-currency", default: "EUR")))
            case let other: throw .badArgument("tiers.qualify-by", "must be points or spend, got '\(other.prefix(20))'")
            }
            let periodName = config.string(forKey: "tiers.period", default: TierRules.Period.rolling.rawValue)
            guard let period = TierRules.Period(rawValue: periodName) else {
                throw .badArgument("tiers.period", "must be rolling or calendar-year, got '\(periodName.prefix(20))'")
            }
            // 0 means no limit: straight down to the tier the member qualifies for.
            let steps = try integer(config, "tiers.downgrade-steps", default: 1, in: 0...100)
            let tiers = try TierRules(
                measure: measure, period: period, windowMonths: integer(config, "tiers.window-months", default: 12),
                downgradeSteps: steps == 0 ? nil : steps, graceDays: integer(config, "tiers.grace-days", default: 0))
            let expiryMonths: Int? =
                config.int(forKey: "points.expiry-months") == nil && config.string(forKey: "points.expiry-months") == nil
                ? nil : try integer(config, "points.expiry-months", default: 0)
            let points = try PointRules(
                pendingDays: integer(config, "points.pending-days", default: 0),
                expiry: PointExpiry(policy: config.string(forKey: "points.expiry", default: "never"), months: expiryMonths))
            let standard = TransferRules.standard
            let transfers = try TransferRules(
                minimumPoints: Int64(integer(config, "points.transfer-min", default: Int(standard.minimumPoints))),
                maximumPoints: Int64(integer(config, "points.transfer-max", default: Int(standard.maximumPoints))),
                maximumPer30Days: Int64(
                    integer(config, "points.transfer-max-30-days", default: Int(standard.maximumPer30Days))))
            return try ProgrammeRules(
                tiers: tiers, points: points, transfers: transfers,
                timeZone: config.string(forKey: "programme.time-zone", default: "UTC"))
        } catch {
            throw LoyaltyError(.configuration, error.message)
        }
    }
}
