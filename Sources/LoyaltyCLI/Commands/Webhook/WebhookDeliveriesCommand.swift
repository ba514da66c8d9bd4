import ArgumentParser
import LoyaltyCore
import LoyaltyStore

/// `loyalty webhook deliveries`: the delivery log, newest first.
struct WebhookDeliveriesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deliveries", abstract: "The delivery log: each event's delivery, its attempts and last answer.")
    @OptionGroup var options: GlobalOptions
    @Option(help: "Only this subscription's.") var webhook: String?
    @Option(help: "pending, delivered or dead.") var status: String?
    @Option(help: "At most this many (1-10000).") var limit: Int = 100

    func run() async throws {
        let hook = try webhook.map { text throws(LoyaltyError) in try WebhookCommand.id(text, argument: "webhook") }
        if let status, !["pending", "delivered", "dead"].contains(status) {
            throw LoyaltyError.badArgument("status", "pending, delivered or dead, got '\(status)'")
        }
        guard (1...10_000).contains(limit) else { throw LoyaltyError.badArgument("limit", "must be 1 to 10000, got \(limit)") }
        let runtime = try await CommandRuntime.make(options)
        let deliveries = try await runtime.withStore { store in
            try await store.webhookDeliveries(webhook: hook, status: status, limit: limit)
        }
        try runtime.output.list(
            columns: ["id", "webhook", "event", "type", "status", "attempts", "next attempt", "last answer", "created", "delivered"],
            rows: deliveries.map {
                [
                    String($0.id), String($0.webhook), String($0.event), $0.eventType, $0.status, String($0.attempts),
                    $0.nextAttemptAt.map(Dates.text) ?? "", $0.lastError ?? $0.lastStatus.map(String.init) ?? "",
                    Dates.text($0.createdAt), $0.deliveredAt.map(Dates.text) ?? "",
                ]
            },
            json: deliveries)
    }
}
