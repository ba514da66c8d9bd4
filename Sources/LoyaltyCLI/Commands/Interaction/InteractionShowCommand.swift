import ArgumentParser
import LoyaltyCore
import LoyaltyStore

/// `loyalty interaction show ID`.
struct InteractionShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one interaction with its text.")
    @OptionGroup var options: GlobalOptions
    @Argument(help: "Interaction id.") var id: String

    func run() async throws {
        let runtime = try await CommandRuntime.make(options)
        let id = try InteractionCommand.id(self.id)
        let record = try await runtime.withStore { store in try await store.interaction(id) }
        try runtime.printInteraction(record)
    }
}
