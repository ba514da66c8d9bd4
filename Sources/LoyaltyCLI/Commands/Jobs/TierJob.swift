import ArgumentParser
import LoyaltyCore
import LoyaltyStore

/// `loyalty jobs run tiers [--dry-run] [--batch-size N]`: tier evaluations that are due.
struct TierJob: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tiers",
        abstract: "Evaluate the members whose tier evaluation date (plus the grace days) has come.",
        discussion: """
            A member who still qualifies keeps the tier until a new evaluation date; one who does not moves \
            down (tiers.downgrade-steps at a time, never below the tier they qualify for), recorded in the \
            tier history as 'downgrade'. Safe to run twice or concurrently: nobody is evaluated twice. \
            Writes one audit log row per run (action job.tiers). See docs/programme.md.
            """)
    @OptionGroup var options: GlobalOptions
    @OptionGroup var lock: JobLockOptions
    @Flag(help: "Report what would change, change nothing and write no audit row.") var dryRun = false
    @Option(parsing: .unconditional, help: "Members fetched per batch, 1 to 10000 (default 500).") var batchSize: String?

    func run() async throws {
        let runtime = try await CommandRuntime.make(options)
        let batch = try batchSize.map(Self.parseBatchSize) ?? 500
        let summary = try await runtime.withJobLock("tiers", lock) { store in
            try await store.evaluateTiers(actor: runtime.actor, dryRun: dryRun, batchSize: batch)
        }
        try runtime.output.record(
            [
                ("job", "tiers"), ("evaluated", String(summary.evaluated)), ("confirmed", String(summary.confirmed)),
                ("downgraded", String(summary.downgraded)), ("upgraded", String(summary.upgraded)),
                ("skipped", String(summary.skipped)), ("dry run", summary.dryRun ? "yes" : "no"),
            ],
            json: TierJobJSON(summary))
        if dryRun { runtime.output.message("Dry run: nothing was changed.") }
    }

    /// A whole number 1...10000, digits only.
    static func parseBatchSize(_ text: String) throws(LoyaltyError) -> Int {
        guard !text.isEmpty, text.utf8.count <= 5, text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
            let size = Int(text), (1...10_000).contains(size)
        else {
            throw .badArgument("batch-size", "a whole number 1...10000 expected, got '\(text.prefix(12))'")
        }
        return size
    }
}

/// What `jobs run tiers` prints in JSON: the job's name and the summary's counts.
struct TierJobJSON: Encodable {
    let job = "tiers"
    let evaluated: Int
    let confirmed: Int
    let downgraded: Int
    let upgraded: Int
    let skipped: Int
    let dryRun: Bool

    init(_ summary: TierEvaluationSummary) {
        evaluated = summary.evaluated
        confirmed = summary.confirmed
        downgraded = summary.downgraded
        upgraded = summary.upgraded
        skipped = summary.skipped
        dryRun = summary.dryRun
    }

    enum CodingKeys: String, CodingKey {
        case job, evaluated, confirmed, downgraded, upgraded, skipped, dryRun = "dry_run"
    }
}
