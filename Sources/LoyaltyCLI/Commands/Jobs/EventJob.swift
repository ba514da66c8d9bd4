import ArgumentParser
import LoyaltyCore
import LoyaltyStore

/// `loyalty jobs run events`: the events no single change causes, and the outbox's retention.
struct EventJob: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events",
        abstract: "Write points.expiring and member.lapsed events; prune old events.",
        discussion: """
            Tells once per member and first-expiry day of points that expire within events.expiry-notice-days \
            (default 30), once per member and last purchase day that an active member has lapsed by the \
            tracker's rule (tracker.lapse-*), and removes events older than events.retention-days (default 90), \
            and finished webhook deliveries as old with their attempts. \
            One transaction; running it again, or twice at once, tells nothing twice. Writes one audit row per \
            run (action job.events). See docs/events.md.
            """)
    @OptionGroup var options: GlobalOptions
    @OptionGroup var lock: JobLockOptions

    func run() async throws {
        let runtime = try await CommandRuntime.make(options)
        let settings = runtime.settings
        let result = try await runtime.withJobLock("events", lock) { store in
            try await store.runEventJob(
                noticeDays: settings.expiryNoticeDays, retentionDays: settings.eventRetentionDays, actor: runtime.actor)
        }
        try runtime.output.record(
            [
                ("job", "events"), ("points expiring told", String(result.expiring)), ("lapses told", String(result.lapsed)),
                ("events pruned", String(result.pruned)), ("deliveries pruned", String(result.prunedDeliveries)),
            ],
            json: EventJobJSON(run: result))
    }
}

/// What `jobs run events` prints in JSON.
struct EventJobJSON: Encodable {
    let job = "events"
    let run: EventJobRun

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(job, forKey: .job)
        try container.encode(run.expiring, forKey: .expiring)
        try container.encode(run.lapsed, forKey: .lapsed)
        try container.encode(run.pruned, forKey: .pruned)
        try container.encode(run.prunedDeliveries, forKey: .prunedDeliveries)
    }

    enum CodingKeys: String, CodingKey { case job, expiring, lapsed, pruned, prunedDeliveries = "pruned_deliveries" }
}
