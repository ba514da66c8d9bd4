/// How the programme qualifies members for tiers and moves them down (docs/programme.md).
public struct TierRules: Sendable, Hashable {
    /// What qualifies: base points of purchases, or spend in one currency (minor units).
    public enum Measure: Sendable, Hashable {
        case points
        case spend(Currency)
    }

    /// Over which time qualification counts.
    public enum Period: String, Sendable, Hashable, CaseIterable {
        /// The last `windowMonths` months, back from now.
        case rolling
        /// The current calendar year in the programme's time zone (`windowMonths` is not used).
        case calendarYear = "calendar-year"
    }

    public var measure: Measure
    public var period: Period
    /// The length of a rolling window, and how long a member keeps a tier before it is evaluated.
    public var windowMonths: Int
    /// How many tiers an evaluation may move a member down at once; `nil`: straight to where they qualify.
    public var downgradeSteps: Int?
    /// Days after the evaluation date during which a member who no longer qualifies keeps their tier.
    public var graceDays: Int

    public init(
        measure: Measure = .points, period: Period = .rolling, windowMonths: Int = 12, downgradeSteps: Int? = 1,
        graceDays: Int = 0
    ) throws(LoyaltyError) {
        guard (1...120).contains(windowMonths) else {
            throw .badArgument("tiers.window-months", "must be 1...120 months")
        }
        if let downgradeSteps, !(1...100).contains(downgradeSteps) {
            throw .badArgument("tiers.downgrade-steps", "must be 1...100, or unset for no limit")
        }
        guard (0...366).contains(graceDays) else {
            throw .badArgument("tiers.grace-days", "must be 0...366 days")
        }
        self.measure = measure
        self.period = period
        self.windowMonths = windowMonths
        self.downgradeSteps = downgradeSteps
        self.graceDays = graceDays
    }

    /// Base points over twelve rolling months; down one tier at a time; no grace period.
    public static let standard = TierRules(checked: ())

    private init(checked: Void) {
        measure = .points
        period = .rolling
        windowMonths = 12
        downgradeSteps = 1
        graceDays = 0
    }
}
