import ArgumentParser
import LoyaltyCore
import LoyaltyStore

/// `loyalty jobs run retention [--dry-run] [--batch-size N]`: erases members closed longer than
/// `privacy.retention-days`.
struct RetentionJob: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retention",
        abstract: "Erase the personal data of members closed longer than privacy.retention-days.",
        discussion: """
            Each member is erased as `member erase` does (reason 'retention: closed more than N days'), \
            --batch-size members per transaction, oldest closure first; concurrent runs never erase anyone \
            twice. Writes one audit row per run (action job.retention) besides each erasure's member.erase row. \
            With privacy.retention-days unset it changes nothing and says so. See docs/privacy.md.
            """)
    @OptionGroup var options: GlobalOptions
    @OptionGroup var lock: JobLockOptions
    @Flag(help: "Count the members that would be erased; change nothing and write no audit row.") var dryRun = false
    @Option(parsing: .unconditional, help: "Members per transaction, 1 to 10000 (default 500).") var batchSize: String?

    func run() async throws {
        let runtime = try await CommandRuntime.make(options)
        let batch = try batchSize.map(TierJob.parseBatchSize) ?? 500
        guard let period = runtime.settings.retention else {
            try runtime.output.record(
                [("job", "retention"), ("retention", "off"), ("erased", "0")],
                json: RetentionJobJSON(run: nil, dryRun: dryRun))
            runtime.output.message("privacy.retention-days is not set: retention is off and nothing was erased.")
            return
        }
        let result = try await runtime.withJobLock("retention", lock) { store in
            try await store.runRetention(period: period, actor: runtime.actor, dryRun: dryRun, batchSize: batch)
        }
        try runtime.output.record(
            [
                ("job", "retention"), ("retention", "\(period.days) days"),
                (dryRun ? "would erase" : "erased", String(result.erased)), ("dry run", dryRun ? "yes" : "no"),
            ],
            json: RetentionJobJSON(run: result, dryRun: dryRun))
        if dryRun { runtime.output.message("Dry run: nothing was changed.") }
    }
}

/// What `jobs run retention` prints in JSON; `retention_days` is null when retention is off.
struct RetentionJobJSON: Encodable {
    let job = "retention"
    let enabled: Bool
    let retentionDays: Int?
    let erased: Int
    let dryRun: Bool

    init(run: RetentionRun?, dryRun: Bool) {
        enabled = run != nil
        retentionDays = run?.retentionDays
        erased = run?.erased ?? 0
        self.dryRun = dryRun
    }

    enum CodingKeys: String, CodingKey {
        case job, enabled, retentionDays = "retention_days", erased, dryRun = "dry_run"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(job, forKey: .job)
        try container.encode(enabled, forKey: .enabled)
        try container.encode(retentionDays, forKey: .retentionDays)
        try container.encode(erased, forKey: .erased)
        try container.encode(dryRun, forKey: .dryRun)
    }
}
