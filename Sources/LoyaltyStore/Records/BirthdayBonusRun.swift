/// What one run of the birthday job did (or, in a dry run, would do).
public struct BirthdayBonusRun: Sendable, Hashable, Codable {
    /// Members granted a bonus.
    public var granted: Int
    /// Points granted in all.
    public var points: Int64
    public var dryRun: Bool

    public init(granted: Int, points: Int64, dryRun: Bool) {
        self.granted = granted
        self.points = points
        self.dryRun = dryRun
    }

    enum CodingKeys: String, CodingKey {
        case granted, points, dryRun = "dry_run"
    }
}
