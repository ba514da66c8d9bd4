/// What one run of the retention job did, or would do (`loyalty jobs run retention`).
public struct RetentionRun: Sendable, Hashable, Codable {
    /// The retention period in days.
    public var retentionDays: Int
    /// Members erased; in a dry run, members that would be erased.
    public var erased: Int
    public var dryRun: Bool

    public init(retentionDays: Int, erased: Int, dryRun: Bool) {
        self.retentionDays = retentionDays
        self.erased = erased
        self.dryRun = dryRun
    }

    enum CodingKeys: String, CodingKey {
        case retentionDays = "retention_days", erased, dryRun = "dry_run"
    }
}
