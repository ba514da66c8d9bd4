import ArgumentParser
import Foundation
import LoyaltyCore
import LoyaltyStore

/// `loyalty member export [segment conditions] [--include-closed] [--out FILE]`: members' records as CSV or JSON.
struct MemberExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Export members' records as CSV (or --format json), selected like a segment.",
        discussion: """
            Takes the conditions of `segment create` (--tier, --tag, --lapse, --consent, …); without any, every \
            member. Closed members only with --include-closed; erased members never carry personal data. Columns: \
            \(MemberExportRow.csvColumns.joined(separator: ",")) (docs/member-import.md). The file imports back with \
            `loyalty member import`. With --out the file is new and readable by its owner only (mode 0600). Every \
            export is audited.
            """)
    @OptionGroup var options: GlobalOptions
    @OptionGroup var conditions: SegmentFilterOptions
    @Flag(name: .customLong("include-closed"), help: "Also closed (and erased) members.") var includeClosed = false
    @Option(help: "Write to this new file (0600) instead of standard output.") var out: String?

    func run() async throws {
        let runtime = try await CommandRuntime.make(options)
        let filter = try conditions.filter()
        let json = runtime.output.format == .json
        guard runtime.output.format != .html else { throw LoyaltyError.badArgument("format", "csv or json for an export") }
        let sink = try ExportSink(path: out)
        let includeClosed = self.includeClosed
        let count: Int64
        do {
            count = try await runtime.withStore { store in
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
                var first = true
                sink.write(json ? "[" : MemberExportRow.csvColumns.joined(separator: ","))
                let count = try await store.exportMembers(filter, includeClosed: includeClosed, actor: runtime.actor) { row in
                    if json {
                        sink.write((first ? "" : ",") + String(decoding: try encoder.encode(row), as: UTF8.self))
                        first = false
                    } else {
                        sink.write(row.csvCells.map(CSV.escape).joined(separator: ","))
                    }
                }
                if json { sink.write("]") }
                return count
            }
            try sink.close()
        } catch {
            sink.discard()
            throw error
        }
        if out != nil || !json {
            runtime.output.warning("Exported \(count) member\(count == 1 ? "" : "s")\(out.map { " to \($0)" } ?? "").")
        }
    }
}
