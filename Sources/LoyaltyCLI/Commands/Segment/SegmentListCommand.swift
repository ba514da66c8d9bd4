import ArgumentParser
import LoyaltyCore
import LoyaltyStore

/// `loyalty segment list`.
struct SegmentListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the saved segments.")
    @OptionGroup var options: GlobalOptions

    func run() async throws {
        let runtime = try await CommandRuntime.make(options)
        let segments = try await runtime.withStore { store in try await store.segments() }
        try runtime.output.list(
            columns: ["segment", "description", "conditions", "updated"],
            rows: segments.map { [$0.name, $0.description, $0.filter.conditions.joined(separator: "; "), Dates.text($0.updatedAt)] },
            json: segments)
    }
}
