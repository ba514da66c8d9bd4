import Foundation
import LoyaltyCore

extension ProgrammeRules {
    /// The rules as the SQL functions read them (`p_rules jsonb`); keys are listed in
    /// `sql/migrations/0004_points_lifecycle.sql` (and the transfer limits' in `0025_point_transfers.sql`).
    var databaseJSON: String {
        let document = RulesDocument(
            windowMonths: tiers.windowMonths, period: tiers.period.rawValue, measure: tiers.measure.name,
            spendCurrency: tiers.measure.currency?.code, downgradeSteps: tiers.downgradeSteps,
            graceDays: tiers.graceDays, pendingDays: points.pendingDays, expiry: points.expiry.policy,
            expiryMonths: points.expiry.months, transferMin: transfers.minimumPoints,
            transferMax: transfers.maximumPoints, transferWindowMax: transfers.maximumPer30Days, timeZone: timeZone)
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = .sortedKeys
        // Encoding plain strings and integers cannot fail.
        return (try? encoder.encode(document)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}

private struct RulesDocument: Encodable {
    var windowMonths: Int
    var period: String
    var measure: String
    var spendCurrency: String?
    var downgradeSteps: Int?
    var graceDays: Int
    var pendingDays: Int
    var expiry: String
    var expiryMonths: Int?
    var transferMin: Int64
    var transferMax: Int64
    var transferWindowMax: Int64
    var timeZone: String

    // Explicit nulls, so that the SQL side sees every key.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(windowMonths, forKey: .windowMonths)
        try container.encode(period, forKey: .period)
        try container.encode(measure, forKey: .measure)
        try container.encode(spendCurrency, forKey: .spendCurrency)
        try container.encode(downgradeSteps, forKey: .downgradeSteps)
        try container.encode(graceDays, forKey: .graceDays)
        try container.encode(pendingDays, forKey: .pendingDays)
        try container.encode(expiry, forKey: .expiry)
        try container.encode(expiryMonths, forKey: .expiryMonths)
        try container.encode(transferMin, forKey: .transferMin)
        try container.encode(transferMax, forKey: .transferMax)
        try container.encode(transferWindowMax, forKey: .transferWindowMax)
        try container.encode(timeZone, forKey: .timeZone)
    }

    enum CodingKeys: String, CodingKey {
        case windowMonths, period, measure, spendCurrency, downgradeSteps, graceDays, pendingDays, expiry
        case expiryMonths, transferMin, transferMax, transferWindowMax, timeZone
    }
}

extension TierRules.Measure {
    fileprivate var name: String {
        switch self {
        case .points: "points"
        case .spend: "spend"
        }
    }

    fileprivate var currency: Currency? {
        switch self {
        case .points: nil
        case .spend(let currency): currency
        }
    }
}
