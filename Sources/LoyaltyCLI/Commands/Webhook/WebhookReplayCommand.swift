import ArgumentParser
import LoyaltyCore
import LoyaltyStore

/// `loyalty webhook replay (DELIVERY… | --dead --webhook ID)`: a new series of attempts.
struct WebhookReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Send deliveries again: the given ones, or every dead one of a subscription.",
        discussion: """
            The deliveries go back to the queue with their attempts reset; the next `webhook run` sends them, a \
            member's in order. Delivered ones may be replayed too (a receiver that lost them). Audited (webhook.replay).
            """)
    @OptionGroup var options: GlobalOptions
    @Argument(help: "Delivery ids.") var deliveries: [String] = []
    @Flag(help: "Every dead delivery of --webhook.") var dead = false
    @Option(help: "The subscription (required with --dead).") var webhook: String?

    func run() async throws {
        let hook = try webhook.map { text throws(LoyaltyError) in try WebhookCommand.id(text, argument: "webhook") }
        let ids = try deliveries.map { text throws(LoyaltyError) in try WebhookCommand.id(text, argument: "delivery") }
        switch (dead, ids.isEmpty) {
        case (true, false): throw LoyaltyError.badArgument("dead", "give delivery ids or --dead, not both")
        case (false, true): throw LoyaltyError.badArgument("deliveries", "give delivery ids, or --dead --webhook ID")
        case (true, true) where hook == nil: throw LoyaltyError.badArgument("webhook", "--dead needs --webhook ID")
        default: break
        }
        let runtime = try await CommandRuntime.make(options)
        let count = try await runtime.withStore { store in
            try await store.replayWebhookDeliveries(webhook: hook, deliveries: dead ? nil : ids, actor: runtime.actor)
        }
        try runtime.output.record([("replayed", String(count))], json: ["replayed": count])
    }
}
