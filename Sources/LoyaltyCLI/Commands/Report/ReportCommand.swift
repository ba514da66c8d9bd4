import ArgumentParser

/// `loyalty report REPORT`: read-only reports for finance and operations. Every report is a command of its
/// own; table, CSV and JSON output (amounts in JSON are minor units).
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report", abstract: "Reports: gift card liability, activity, breakage and batches.",
        subcommands: [GiftLiabilityReport.self, GiftActivityReport.self, GiftBreakageReport.self, GiftBatchesReport.self])
}
