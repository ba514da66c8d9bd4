import ArgumentParser
import LoyaltyCore
import LoyaltyStore

/// `loyalty jobs run JOB`: the programme's periodic jobs. Each is idempotent and safe to run twice or
/// concurrently; run them daily (docs/operations.md).
struct JobsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jobs", abstract: "Periodic jobs: point expiry, tier evaluation, gift cards, purchase metrics, birthday bonus, retention.",
        subcommands: [Run.self])

    /// `loyalty jobs run JOB`. Every job is a command of its own, in its own file (`ExpiryJob.swift`,
    /// `TierJob.swift`); a new job is added to `subcommands` here.
    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run a job now.",
            subcommands: [ExpiryJob.self, TierJob.self, GiftCardJob.self, PurchaseJob.self, BirthdayJob.self, RetentionJob.self, EventJob.self, AllJobs.self])
    }
}
