/// `loyalty report lapsed`: the customers active, at risk and lapsed today, and at the end of each of the
/// past months (the history applies each member's current threshold; docs/purchases.md).
public struct LapseReport: Sendable, Hashable, Codable {
    /// The rule in words, e.g. `lapsed after 180 days, at risk after 90`.
    public var rule: String
    public var today: LapseCounts
    /// Month ends, oldest first.
    public var history: [LapseCounts]

    public init(rule: String, today: LapseCounts, history: [LapseCounts]) {
        self.rule = rule
        self.today = today
        self.history = history
    }
}
