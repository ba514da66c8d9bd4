import ArgumentParser
import LoyaltyCore
import LoyaltyStore

/// `loyalty segment delete NAME`.
struct SegmentDeleteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "delete", abstract: "Delete a saved segment (its members are not touched).")
    @OptionGroup var options: GlobalOptions
    @Argument(help: "Segment name.") var name: String

    func run() async throws {
        let runtime = try await CommandRuntime.make(options)
        let name = try SegmentName(parsing: self.name)
        try await runtime.withStore { store in try await store.deleteSegment(name, actor: runtime.actor) }
        runtime.output.message("Deleted segment \(name).")
    }
}
