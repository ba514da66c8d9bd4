import ArgumentParser
import LoyaltyCore
import LoyaltyStore

/// `loyalty followup done ID`.
struct FollowUpDoneCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "done", abstract: "Mark a follow-up done (once; a second time is refused). Audited as followup.done.")
    @OptionGroup var options: GlobalOptions
    @Argument(help: "Follow-up id.") var id: String

    func run() async throws {
        let runtime = try await CommandRuntime.make(options)
        let id = try InteractionCommand.id(self.id)
        let record = try await runtime.withStore { store in try await store.completeFollowUp(id, actor: runtime.actor) }
        try runtime.printFollowUp(record)
    }
}
