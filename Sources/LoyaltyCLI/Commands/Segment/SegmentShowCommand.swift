import ArgumentParser
import Foundation
import LoyaltyCore
import LoyaltyStore

/// `loyalty segment show NAME`: the definition and today's count.
struct SegmentShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "A segment's conditions and how many members it selects now.")
    @OptionGroup var options: GlobalOptions
    @Argument(help: "Segment name.") var name: String

    func run() async throws {
        let runtime = try await CommandRuntime.make(options)
        let name = try SegmentName(parsing: self.name)
        let (segment, count) = try await runtime.withStore { store in
            let segment = try await store.segment(name)
            return (segment, try await store.countSegment(segment.filter))
        }
        try Self.print(segment, count: count, runtime: runtime)
    }

    static func print(_ segment: SegmentRecord, count: SegmentCount, runtime: CommandRuntime) throws {
        try runtime.output.record(
            [("segment", segment.name), ("description", segment.description), ("conditions", segment.filter.conditions.joined(separator: "; "))]
                + CommandRuntime.countFields(count)
                + [("created", "\(Dates.text(segment.createdAt)) by \(segment.createdBy)"), ("updated", Dates.text(segment.updatedAt))],
            json: SegmentJSON(segment: segment, count: count))
    }
}

/// A segment with its count, as `segment show --format json` prints it.
struct SegmentJSON: Encodable {
    let segment: SegmentRecord
    let count: SegmentCount
}
