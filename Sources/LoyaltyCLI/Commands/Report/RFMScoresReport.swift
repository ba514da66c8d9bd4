import ArgumentParser
import LoyaltyCore
import LoyaltyStore

/// `loyalty report rfm`: the RFM grid and the named segments.
struct RFMScoresReport: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rfm", abstract: "The recency × frequency grid and the named RFM segments, as last scored.",
        discussion: "Scores are recomputed by `purchase refresh` and `jobs run purchases` (docs/purchases.md). --format html draws the grid.")
    @OptionGroup var options: GlobalOptions

    func run() async throws {
        let runtime = try await CommandRuntime.make(options)
        let report = try await runtime.withStore { store in try await store.rfmReport() }
        runtime.output.write(try RFMReportView.render(report, format: runtime.output.format))
    }
}
