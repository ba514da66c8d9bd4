import ArgumentParser
import LoyaltyCore
import LoyaltyStore

/// `loyalty segment create NAME [--description T] [--replace] CONDITIONS…`.
struct SegmentCreateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create", abstract: "Save a named segment (its conditions are evaluated whenever it is used).",
        discussion: """
            All conditions must hold; repeated options of one kind match any value (tags: all). Lapse states and \
            days since purchase are evaluated on the day the segment is used. Example: \
            `loyalty segment create winback --lapse lapsed --consent email --description "Lapsed, reachable by email"`.
            """)
    @OptionGroup var options: GlobalOptions
    @Argument(help: "Segment name: letters, digits, '-' and '_'.") var name: String
    @Option(help: "What the segment is for.") var description: String = ""
    @Flag(help: "Replace the segment of that name if it exists.") var replace = false
    @OptionGroup var conditions: SegmentFilterOptions

    func run() async throws {
        let runtime = try await CommandRuntime.make(options)
        let name = try SegmentName(parsing: self.name)
        let description = try FieldRules.text(self.description, field: "description", maximumLength: 500)
        let filter = try conditions.filter()
        let replace = self.replace
        let (segment, count) = try await runtime.withStore { store in
            let segment = try await store.saveSegment(name, description: description, filter: filter, replace: replace, actor: runtime.actor)
            return (segment, try await store.countSegment(segment.filter))
        }
        try SegmentShowCommand.print(segment, count: count, runtime: runtime)
    }
}
