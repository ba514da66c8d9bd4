import ArgumentParser
import LoyaltyCore
import LoyaltyStore

/// `loyalty jobs run giftcards [--batch-size N]`: releases gift card holds whose time ran out and expires
/// the balances of cards past their last day.
struct GiftCardJob: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "giftcards",
        abstract: "Release expired gift card holds and expire the balances of cards past their last day.",
        discussion: """
            An expired card's remaining balance becomes one 'expire' activity (breakage, see `report gift-breakage`). \
            Cards are handled --batch-size at a time, each locked: safe to run twice or concurrently. Writes one \
            audit log row per run (action job.giftcards).
            """)
    @OptionGroup var options: GlobalOptions
    @OptionGroup var lock: JobLockOptions
    @Option(parsing: .unconditional, help: "Cards per transaction, 1 to 10000 (default 500).") var batchSize: String?

    func run() async throws {
        let runtime = try await CommandRuntime.make(options)
        let batch = try batchSize.map(TierJob.parseBatchSize) ?? 500
        let result = try await runtime.withJobLock("giftcards", lock) { store in try await store.runGiftCardJob(actor: runtime.actor, batchSize: batch) }
        try runtime.output.record(
            [("job", "giftcards"), ("released", String(result.released)), ("expired", String(result.expired))],
            json: result)
    }
}
