/// How the programme qualifies members for tiers (docs/programme.md).
public struct TierRules: Sendable, Hashable {
    /// Qualifying points are counted over this many months back from now (a rolling window).
    public var windowMonths: Int

    public init(windowMonths: Int = 12) throws(LoyaltyError) {
        guard (1...120).contains(windowMonths) else {
            throw .badArgument("tiers.window-months", "must be 1...120 months")
        }
        self.windowMonths = windowMonths
    }

    /// Twelve months, rolling.
    public static let standard = TierRules(checkedWindowMonths: 12)

    private init(checkedWindowMonths: Int) {
        windowMonths = checkedWindowMonths
    }
}
