import ArgumentParser
import LoyaltyCore
import LoyaltyStore
import LoyaltyWebhooks
import ServiceLifecycle

/// `loyalty webhook run [--once]`: the sender.
struct WebhookRunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Deliver events to the subscriptions (a long-running sender, or one round with --once).",
        discussion: """
            Each round queues every active subscription's new events and POSTs what is due, a member's events \
            in order, retrying failures after webhooks.backoff-seconds doubled per attempt (at most \
            webhooks.backoff-max-seconds) until webhooks.max-attempts, then dead. One sender at a time: it holds \
            the job lock `webhooks` (a second exits 75, or waits with --wait). Run it as a service (config/) or \
            from cron with --once. See docs/events.md.
            """)
    @OptionGroup var options: GlobalOptions
    @OptionGroup var lock: JobLockOptions
    @Flag(help: "One round, then exit.") var once = false
    @Option(help: "Seconds between rounds (0.1-3600).") var interval: Double = 1

    func run() async throws {
        guard interval >= 0.1, interval <= 3600, interval.isFinite else {
            throw LoyaltyError.badArgument("interval", "0.1 to 3600 seconds, got \(interval)")
        }
        let runtime = try await CommandRuntime.make(options, defaultLogLevel: once ? .warning : .info)
        let settings = runtime.settings.webhooks
        let pause = Duration.milliseconds(Int64((interval * 1000).rounded()))
        let http = WebhookSender.makeHTTPClient()
        let outcome: Result<WebhookRound, any Error>
        do {
            outcome = .success(
                try await runtime.withJobLock("webhooks", lock, installationKey: true) { store in
                    let sender = WebhookSender(
                        store: store, http: http, policy: settings.policy, timeout: settings.timeout,
                        concurrency: settings.concurrency, logger: runtime.logger)
                    if once { return try await sender.runOnce() }
                    let group = ServiceGroup(
                        services: [WebhookService(sender: sender, interval: pause)], gracefulShutdownSignals: [.sigterm, .sigint],
                        logger: runtime.logger)
                    try await group.run()
                    return WebhookRound()
                })
        } catch {
            outcome = .failure(error)
        }
        try? await http.shutdown()
        let round = try outcome.get()
        try runtime.output.record(
            [("queued", String(round.queued)), ("delivered", String(round.delivered)), ("retried", String(round.retried)), ("dead", String(round.dead))],
            json: round)
    }
}
