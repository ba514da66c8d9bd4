import ArgumentParser
import Foundation
import LoyaltyCore
import LoyaltyStore

/// `loyalty campaign send CODE --out FILE`: records the send list and writes the contacted members to a
/// new 0600 CSV file for the email or SMS tool.
struct CampaignSendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send", abstract: "Send a campaign once: record the send list and write it as CSV.",
        discussion: """
            The segment is evaluated now. Active members who consented to the campaign's channel and have an address \
            for it are split by a hash of campaign and member into the holdout (never contacted) and the contacted \
            members; the others are counted by reason. The contacted members go to --out, a new file readable by its \
            owner only: member,first_name,last_name,email|phone,contacted_at. A second send is refused.
            """)
    @OptionGroup var options: GlobalOptions
    @Argument(help: "Campaign code.") var code: String
    @Option(help: "The new file (0600) the send list is written to (required).") var out: String?

    func run() async throws {
        let runtime = try await CommandRuntime.make(options)
        let code = try RecordCode(parsing: self.code, argument: "code")
        guard let out else { throw LoyaltyError.missingArgument("--out") }
        // The file is created first: a path that cannot be written refuses the send before anything changes.
        let sink = try ExportSink(path: out)
        let summary: CampaignSendSummary
        do {
            summary = try await runtime.withStore { store in
                let campaign = try await store.campaign(code)
                let summary = try await store.sendCampaign(code, actor: runtime.actor)
                sink.write(CampaignArguments.sendListHeader(campaign.channel))
                _ = try await store.campaignSendList(code, actor: runtime.actor, audit: false) { row in
                    sink.write(CampaignExportCommand.line(row))
                }
                return summary
            }
            try sink.close()
        } catch {
            sink.discard()
            throw error
        }
        let reasons = summary.leftOut.sorted { $0.key < $1.key }
        try runtime.output.record(
            [
                ("campaign", code.value), ("contacted", String(summary.contacted)), ("held out", String(summary.holdout)),
                ("left out", String(summary.leftOut.values.reduce(0, +))),
            ] + reasons.map { ("left out: \($0.key)", String($0.value)) } + [("send list", out)],
            json: summary)
    }
}
