/// `loyalty report repeat`: the repeat-purchase rate, purchase frequency and time to a second purchase,
/// overall and by month of first purchase, by store of first purchase and by acquisition source.
public struct RepeatPurchaseReport: Sendable, Hashable, Codable {
    /// The programme-local day the figures are as of.
    public var asOf: String
    public var overall: RepeatPurchaseGroup
    /// By month of first purchase (`YYYY-MM`), oldest first.
    public var byFirstMonth: [RepeatPurchaseGroup]
    /// By the store of the first purchase (`(none)` for purchases without a store, such as imports).
    public var byStore: [RepeatPurchaseGroup]
    /// By the member's acquisition source channel.
    public var bySource: [RepeatPurchaseGroup]

    public init(
        asOf: String, overall: RepeatPurchaseGroup, byFirstMonth: [RepeatPurchaseGroup], byStore: [RepeatPurchaseGroup],
        bySource: [RepeatPurchaseGroup]
    ) {
        self.asOf = asOf
        self.overall = overall
        self.byFirstMonth = byFirstMonth
        self.byStore = byStore
        self.bySource = bySource
    }
}
