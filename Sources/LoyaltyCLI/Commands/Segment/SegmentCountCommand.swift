import ArgumentParser
import LoyaltyCore
import LoyaltyStore

/// `loyalty segment count [NAME] [CONDITIONS…]`: how many members a saved segment, or conditions given
/// here, select now.
struct SegmentCountCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "count", abstract: "Count the members of a segment, or of conditions given here (to try them before saving).")
    @OptionGroup var options: GlobalOptions
    @Argument(help: "Segment name (omit to count the conditions given as options).") var name: String?
    @OptionGroup var conditions: SegmentFilterOptions

    func run() async throws {
        let runtime = try await CommandRuntime.make(options)
        let adHoc = try conditions.filter()
        let name = try self.name.map { try SegmentName(parsing: $0) }
        if name != nil, !adHoc.isEmpty {
            throw LoyaltyError.badArgument("segment", "give a segment name or conditions, not both")
        }
        let count = try await runtime.withStore { store in
            var filter = adHoc
            if let name { filter = try await store.segment(name).filter }
            return try await store.countSegment(filter)
        }
        try runtime.output.record(CommandRuntime.countFields(count), json: count)
    }
}
