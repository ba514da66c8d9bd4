/// When a customer counts as lapsed, and when as at risk (docs/purchases.md, "Lapsed").
///
/// The threshold T of a member is `days` under ``Kind/days``; under ``Kind/gap`` it is
/// `max(floorDays, ⌈multiple × median gap⌉)`, and `floorDays` for a customer with one purchase day.
/// With d the days since the last purchase day: lapsed when d > T, at risk when d > ⌊T × atRiskPercent ÷ 100⌋,
/// else active. PostgreSQL applies the formula (`loyalty_lapse_state`); this type holds and checks its
/// parameters.
public struct LapseRule: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// A fixed number of days for everyone.
        case days
        /// A multiple of each member's own median gap between purchase days.
        case gap
    }

    public var kind: Kind
    /// `tracker.lapsed-days` (rule `days`).
    public var days: Int
    /// `tracker.lapsed-multiple` in percent (rule `gap`): 300 is three times the median gap.
    public var multiplePercent: Int
    /// `tracker.lapsed-floor-days` (rule `gap`): the smallest threshold, and a one-day customer's.
    public var floorDays: Int
    /// `tracker.at-risk-percent`: at risk once this share of the threshold has passed.
    public var atRiskPercent: Int

    public init(kind: Kind = .days, days: Int = 180, multiplePercent: Int = 300, floorDays: Int = 90, atRiskPercent: Int = 50)
        throws(LoyaltyError)
    {
        guard (1...3650).contains(days) else { throw .badArgument("tracker.lapsed-days", "must be 1...3650 days") }
        guard (100...2000).contains(multiplePercent) else {
            throw .badArgument("tracker.lapsed-multiple", "must be between 1 and 20 (times the median gap)")
        }
        guard (1...3650).contains(floorDays) else { throw .badArgument("tracker.lapsed-floor-days", "must be 1...3650 days") }
        guard (1...99).contains(atRiskPercent) else { throw .badArgument("tracker.at-risk-percent", "must be 1...99") }
        self.kind = kind
        self.days = days
        self.multiplePercent = multiplePercent
        self.floorDays = floorDays
        self.atRiskPercent = atRiskPercent
    }

    /// Lapsed after 180 days without a purchase, at risk after 90.
    public static let standard = LapseRule(checked: ())

    private init(checked: Void) {
        kind = .days
        days = 180
        multiplePercent = 300
        floorDays = 90
        atRiskPercent = 50
    }

    /// The rule in words, for reports.
    public var summary: String {
        switch kind {
        case .days:
            return "lapsed after \(days) days without a purchase, at risk after \(days * atRiskPercent / 100)"
        case .gap:
            return "lapsed after \(Self.decimal(multiplePercent))× the member's median gap (at least \(floorDays) days; "
                + "\(floorDays) for one-time customers), at risk after \(atRiskPercent)% of that"
        }
    }

    /// `300` → `3`, `250` → `2.5`, `125` → `1.25`.
    static func decimal(_ percent: Int) -> String {
        let whole = percent / 100
        let fraction = percent % 100
        if fraction == 0 { return String(whole) }
        return fraction % 10 == 0 ? "\(whole).\(fraction / 10)" : "\(whole).\(fraction < 10 ? "0" : "")\(fraction)"
    }

    enum CodingKeys: String, CodingKey {
        case kind = "rule"
        case days
        case multiplePercent = "multiple_percent"
        case floorDays = "floor_days"
        case atRiskPercent = "at_risk_percent"
    }
}
