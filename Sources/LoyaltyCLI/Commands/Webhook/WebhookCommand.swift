import ArgumentParser
import LoyaltyCore

/// `loyalty webhook …`: subscriptions to the club's events, delivered as signed HTTP POSTs (docs/events.md).
struct WebhookCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "webhook", abstract: "Send the club's events to other systems over HTTP.",
        subcommands: [
            WebhookAddCommand.self, WebhookListCommand.self, WebhookStatusCommand.self, WebhookDeliveriesCommand.self,
            WebhookReplayCommand.self, WebhookRunCommand.self,
        ])

    /// A subscription id argument.
    static func id(_ text: String, argument: String = "id") throws(LoyaltyError) -> Int64 {
        guard let id = Int64(text), id > 0 else { throw .badArgument(argument, "a webhook id (a positive number), got '\(text)'") }
        return id
    }
}
