/// What one run of the tier evaluation job did (`loyalty jobs run tiers`).
public struct TierEvaluationSummary: Sendable, Hashable, Codable {
    /// Members whose evaluation was due and was carried out (confirmed + downgraded + upgraded).
    public var evaluated: Int
    /// Members who still qualify for their tier and got a new evaluation date.
    public var confirmed: Int
    /// Members who moved down.
    public var downgraded: Int
    /// Members who moved up (a tier set by hand below what they qualify for).
    public var upgraded: Int
    /// Members found due whose evaluation was no longer due when their row was locked (a concurrent run did it).
    public var skipped: Int
    /// Whether the run only reported what it would do.
    public var dryRun: Bool

    /// A summary with these counts (all 0 by default).
    public init(evaluated: Int = 0, confirmed: Int = 0, downgraded: Int = 0, upgraded: Int = 0, skipped: Int = 0, dryRun: Bool) {
        self.evaluated = evaluated
        self.confirmed = confirmed
        self.downgraded = downgraded
        self.upgraded = upgraded
        self.skipped = skipped
        self.dryRun = dryRun
    }

    /// Counts one member's evaluation.
    public mutating func add(_ evaluation: TierEvaluation) {
        switch evaluation.outcome {
        case .notDue: skipped += 1
        case .confirmed: confirmed += 1
        case .downgraded: downgraded += 1
        case .upgraded: upgraded += 1
        }
        if evaluation.outcome != .notDue { evaluated += 1 }
    }

    enum CodingKeys: String, CodingKey {
        case evaluated, confirmed, downgraded, upgraded, skipped, dryRun = "dry_run"
    }
}
