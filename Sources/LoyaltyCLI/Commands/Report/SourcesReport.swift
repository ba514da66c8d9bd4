import ArgumentParser
import LoyaltyCore
import LoyaltyStore

/// `loyalty report sources`: what each acquisition source brought and what it cost.
struct SourcesReport: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sources", abstract: "Acquisition sources: members brought, repeat rate, revenue, cost per member, return on cost.",
        discussion: "One row per source and one for the members without a source (docs/campaigns.md).")
    @OptionGroup var options: GlobalOptions

    func run() async throws {
        let runtime = try await CommandRuntime.make(options)
        let report = try await runtime.withStore { store in try await store.sourceReport() }
        runtime.output.write(try SourceReportView.render(report, format: runtime.output.format))
    }
}
