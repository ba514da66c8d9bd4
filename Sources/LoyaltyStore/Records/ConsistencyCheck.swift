/// The outcome of one invariant of `loyalty db check` (`loyalty_check()` in SQL): how many rows were
/// inspected, how many violate it, and a few of their ids.
public struct ConsistencyCheck: Sendable, Hashable, Codable {
    /// A stable dotted name, `points.balance`, `giftcards.holds-ended-once`, `requests.complete` ….
    public var name: String
    public var inspected: Int64
    public var violations: Int64
    /// Up to five ids of violating rows (`entry 12`, `card 3`, a member number, `terminal/request`).
    public var examples: [String]

    public init(name: String, inspected: Int64, violations: Int64, examples: [String]) {
        self.name = name
        self.inspected = inspected
        self.violations = violations
        self.examples = examples
    }

    /// Whether the invariant holds.
    public var holds: Bool { violations == 0 }
}
