import ArgumentParser
import LoyaltyCore
import LoyaltyStore

/// `loyalty report campaigns [--campaign CODE] [--window 30d]`: attribution of sent campaigns against their holdout.
struct CampaignsReport: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "campaigns", abstract: "Campaign attribution: contacted members against the holdout, uplift and return on cost.",
        discussion: """
            Per sent campaign and arm: members, purchasers within the window after the contact (holdout: after the send), \
            conversion, revenue net of returns in tracker.currency, revenue per member; then the uplift, incremental revenue, \
            cost and return on cost (docs/campaigns.md). --window overrides each campaign's own window.
            """)
    @OptionGroup var options: GlobalOptions
    @Option(help: "Only this campaign.") var campaign: String?
    @Option(help: "Attribution window: 30, 30d or 4w (default: each campaign's own).") var window: String?

    func run() async throws {
        let runtime = try await CommandRuntime.make(options)
        let code = try campaign.map { try RecordCode(parsing: $0, argument: "campaign") }
        let days = try window.map { try DayCount.parse($0, argument: "window", maximum: CampaignDefinition.windowRange.upperBound) }
        let report = try await runtime.withStore { store in try await store.campaignReport(code: code, windowDays: days) }
        runtime.output.write(try CampaignReportView.render(report, format: runtime.output.format))
    }
}
