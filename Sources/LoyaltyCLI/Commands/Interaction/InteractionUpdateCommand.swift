import ArgumentParser
import LoyaltyCore
import LoyaltyStore

/// `loyalty interaction update ID [--status open|in-progress|resolved] [--owner NAME]`.
struct InteractionUpdateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "update", abstract: "Change the status or owner of a complaint or service request.",
        discussion: """
            Resolving stamps the resolution time; reopening (open or in-progress) clears it. Other kinds \
            of interaction have no status or owner. Audited as interaction.update.
            """)
    @OptionGroup var options: GlobalOptions
    @Argument(help: "Interaction id.") var id: String
    @Option(help: "open, in-progress or resolved.") var status: String?
    @Option(help: "The new owner.") var owner: String?

    func run() async throws {
        let runtime = try await CommandRuntime.make(options)
        let id = try InteractionCommand.id(self.id)
        let status = try self.status.map { text throws(LoyaltyError) in try CaseStatus(parsing: text) }
        let owner = try self.owner.map(InteractionCommand.owner)
        guard status != nil || owner != nil else { throw LoyaltyError.missingArgument("--status or --owner") }
        let record = try await runtime.withStore { store in
            try await store.updateInteraction(id, status: status, owner: owner, actor: runtime.actor)
        }
        try runtime.printInteraction(record)
    }
}
