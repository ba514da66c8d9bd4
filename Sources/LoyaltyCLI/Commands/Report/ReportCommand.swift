import ArgumentParser

/// `loyalty report REPORT`: read-only reports for finance, operations and marketing. Every report is a
/// command of its own; table, CSV and JSON output (amounts in JSON are minor units), and for the marketing
/// reports one self-contained HTML page with charts.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Reports: repeat purchases, cohorts, RFM, lapsed; gift card liability, activity, breakage and batches.",
        subcommands: [
            RepeatReport.self, CohortsReport.self, RFMScoresReport.self, LapsedReport.self, GiftLiabilityReport.self,
            GiftActivityReport.self, GiftBreakageReport.self, GiftBatchesReport.self, CampaignsReport.self, SourcesReport.self,
        ])
}
