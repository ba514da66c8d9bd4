/// How the repeat-purchase tracker reads purchases: the currency its spend figures are in, and the lapse
/// rule (settings `tracker.*`, docs/purchases.md).
public struct TrackerRules: Sendable, Hashable {
    /// `tracker.currency`: spend and RFM monetary scores count purchases in this currency; purchases in
    /// other currencies count as visits only.
    public var currency: Currency
    public var lapse: LapseRule

    public init(currency: Currency = .euro, lapse: LapseRule = .standard) {
        self.currency = currency
        self.lapse = lapse
    }

    /// Euro, lapsed after 180 days.
    public static let standard = TrackerRules()
}
