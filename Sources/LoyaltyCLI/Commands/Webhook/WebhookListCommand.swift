import ArgumentParser
import LoyaltyCore
import LoyaltyStore

/// `loyalty webhook list`: the subscriptions and their queues.
struct WebhookListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List webhook subscriptions.")
    @OptionGroup var options: GlobalOptions

    func run() async throws {
        let runtime = try await CommandRuntime.make(options)
        let hooks = try await runtime.withStore { store in try await store.webhooks() }
        try runtime.output.list(
            columns: ["id", "url", "events", "status", "pending", "delivered", "dead", "note"],
            rows: hooks.map {
                [
                    String($0.id), $0.url, $0.types.joined(separator: ","), $0.status, String($0.pending), String($0.delivered),
                    String($0.dead), $0.note ?? "",
                ]
            },
            json: hooks)
    }
}
