import ArgumentParser
import Foundation
import LoyaltyCore
import LoyaltyStore

/// `loyalty campaign export CODE [--out FILE]`: the recorded send list of a sent campaign again.
struct CampaignExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Write a sent campaign's recorded send list as CSV.",
        discussion: """
            The contacted members with the address and time recorded at the send (not today's addresses). With --out \
            the file is new and readable by its owner only (mode 0600). Every export is audited.
            """)
    @OptionGroup var options: GlobalOptions
    @Argument(help: "Campaign code.") var code: String
    @Option(help: "Write to this new file (0600) instead of standard output.") var out: String?

    func run() async throws {
        let runtime = try await CommandRuntime.make(options)
        let code = try RecordCode(parsing: self.code, argument: "code")
        let sink = try ExportSink(path: out)
        let written: Int64
        do {
            written = try await runtime.withStore { store in
                let campaign = try await store.campaign(code)
                guard campaign.sentAt != nil else {
                    throw LoyaltyError(.badArgument, "campaign \(code) is not sent yet; see `loyalty campaign send`")
                }
                sink.write(CampaignArguments.sendListHeader(campaign.channel))
                return try await store.campaignSendList(code, actor: runtime.actor, audit: true) { row in sink.write(Self.line(row)) }
            }
            try sink.close()
        } catch {
            sink.discard()
            throw error
        }
        runtime.output.warning("Exported \(written) member\(written == 1 ? "" : "s")" + (out.map { " to \($0)" } ?? "") + ".")
    }

    /// One CSV line of a send list.
    static func line(_ row: CampaignSendRow) -> String {
        [row.member, row.firstName, row.lastName, row.address, Dates.text(row.contactedAt)].map(CSV.escape).joined(separator: ",")
    }
}
