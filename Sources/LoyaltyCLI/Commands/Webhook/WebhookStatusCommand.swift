import ArgumentParser
import LoyaltyCore
import LoyaltyStore

/// `loyalty webhook pause|resume|remove ID`.
struct WebhookStatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set",
        abstract: "Pause, resume or remove a subscription: webhook set ID pause|resume|remove.",
        discussion: """
            A paused subscription keeps its place in the event stream: resumed, it receives what happened \
            meanwhile. A removed one is gone, with its queue. Audited (webhook.pause, .resume, .remove).
            """)
    @OptionGroup var options: GlobalOptions
    @Argument(help: "The webhook id.") var id: String
    @Argument(help: "pause, resume or remove.") var action: String

    func run() async throws {
        let id = try WebhookCommand.id(id)
        let status: String
        switch action {
        case "pause": status = "paused"
        case "resume": status = "active"
        case "remove": status = "removed"
        default: throw LoyaltyError.badArgument("action", "pause, resume or remove, got '\(action)'")
        }
        let runtime = try await CommandRuntime.make(options)
        try await runtime.withStore { store in try await store.setWebhookStatus(id, to: status, actor: runtime.actor) }
        try runtime.output.record([("webhook", String(id)), ("status", status)], json: ["webhook": String(id), "status": status])
    }
}
