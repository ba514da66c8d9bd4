import ArgumentParser
import Foundation
import LoyaltyCore

/// `loyalty jobs run all [--wait]`: every job in turn, for one cron line or one systemd timer.
struct AllJobs: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "all",
        abstract: "Run every job in turn: expiry, tiers, giftcards, purchases, birthdays, retention, events.",
        discussion: """
            Each job runs as `jobs run NAME` does, under its own lock, and prints its summary (with --format json \
            one JSON document per job). A job that another runner holds is skipped (or waited for with --wait); a \
            job that fails does not stop the others. Exit status: 0 when every job ran, 75 when some were only \
            skipped as running elsewhere, 1 when any failed.
            """)
    @OptionGroup var options: GlobalOptions
    @OptionGroup var lock: JobLockOptions

    /// The order: points expire before tiers are evaluated on what is left; the purchase metrics last but
    /// for the birthday bonus and retention, which depend on neither; the events job after all, so that it
    /// tells of the expiries and lapses as the others left them.
    static let names = ["expiry", "tiers", "giftcards", "purchases", "birthdays", "retention", "events"]

    func run() async throws {
        var skipped: [String] = []
        var failed: [String] = []
        for name in Self.names {
            do {
                var command = try job(name)
                try await command.run()
            } catch let exit as ExitCode where exit.rawValue == CommandRuntime.jobRunningStatus {
                skipped.append(name)
            } catch {
                FileHandle.standardError.write(Data("Error: job \(name): \(error)\n".utf8))
                failed.append(name)
            }
        }
        if !failed.isEmpty {
            FileHandle.standardError.write(Data("Error: \(failed.count) job(s) failed: \(failed.joined(separator: ", "))\n".utf8))
            throw ExitCode.failure
        }
        if !skipped.isEmpty { throw ExitCode(CommandRuntime.jobRunningStatus) }
    }

    /// The job's command with this command's options and its own defaults.
    func job(_ name: String) throws -> any AsyncParsableCommand {
        // Parsing the job's defaults, then setting the shared option groups, runs it as `jobs run NAME` would.
        switch name {
        case "expiry":
            var job = try ExpiryJob.parse([])
            (job.options, job.lock) = (options, lock)
            return job
        case "tiers":
            var job = try TierJob.parse([])
            (job.options, job.lock) = (options, lock)
            return job
        case "giftcards":
            var job = try GiftCardJob.parse([])
            (job.options, job.lock) = (options, lock)
            return job
        case "purchases":
            var job = try PurchaseJob.parse([])
            (job.options, job.lock) = (options, lock)
            return job
        case "birthdays":
            var job = try BirthdayJob.parse([])
            (job.options, job.lock) = (options, lock)
            return job
        case "events":
            var job = try EventJob.parse([])
            (job.options, job.lock) = (options, lock)
            return job
        default:
            var job = try RetentionJob.parse([])
            (job.options, job.lock) = (options, lock)
            return job
        }
    }
}
