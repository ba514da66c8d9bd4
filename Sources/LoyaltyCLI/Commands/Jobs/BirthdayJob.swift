import ArgumentParser
import LoyaltyCore
import LoyaltyStore

/// `loyalty jobs run birthdays [--dry-run]`: the birthday bonus.
struct BirthdayJob: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "birthdays",
        abstract: "Grant the birthday bonus (crm.birthday-bonus-points) to members whose birthday it is.",
        discussion: """
            Active members whose birthday is today, or fell in the last crm.birthday-catch-up-days days (and \
            not before they joined), get one 'bonus' entry, once per calendar year: running it again, or \
            twice at once, grants nothing more. With crm.birthday-bonus-points 0 (the default) it does \
            nothing. Writes one audit log row per run (action job.birthdays). See docs/interactions.md.
            """)
    @OptionGroup var options: GlobalOptions
    @OptionGroup var lock: JobLockOptions
    @Flag(help: "Report what would be granted, change nothing and write no audit row.") var dryRun = false
    @Option(parsing: .unconditional, help: "Members fetched per batch, 1 to 10000 (default 500).") var batchSize: String?

    func run() async throws {
        let runtime = try await CommandRuntime.make(options)
        let batch = try batchSize.map(TierJob.parseBatchSize) ?? 500
        let bonus = runtime.settings.birthdayBonus
        let result = try await runtime.withJobLock("birthdays", lock) { store in
            try await store.grantBirthdayBonuses(bonus, actor: runtime.actor, dryRun: dryRun, batchSize: batch)
        }
        try runtime.output.record(
            [
                ("job", "birthdays"), ("bonus", bonus.isOn ? "\(bonus.points) points" : "off (crm.birthday-bonus-points is 0)"),
                ("granted", String(result.granted)), ("points", String(result.points)), ("dry run", dryRun ? "yes" : "no"),
            ],
            json: BirthdayJobJSON(result, bonus: bonus))
        if dryRun { runtime.output.message("Dry run: nothing was changed.") }
    }
}

/// What `jobs run birthdays` prints in JSON.
struct BirthdayJobJSON: Encodable {
    let job = "birthdays"
    let bonusPoints: Int64
    let catchUpDays: Int
    let granted: Int
    let points: Int64
    let dryRun: Bool

    init(_ run: BirthdayBonusRun, bonus: BirthdayBonusRules) {
        bonusPoints = bonus.points
        catchUpDays = bonus.catchUpDays
        granted = run.granted
        points = run.points
        dryRun = run.dryRun
    }

    enum CodingKeys: String, CodingKey {
        case job, bonusPoints = "bonus_points", catchUpDays = "catch_up_days", granted, points, dryRun = "dry_run"
    }
}
