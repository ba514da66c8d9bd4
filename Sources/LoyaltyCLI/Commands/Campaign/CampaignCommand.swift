import ArgumentParser
import LoyaltyCore
import LoyaltyStore

/// `loyalty campaign add|list|show|send|export`: campaigns sent to a segment with a holdout, and their
/// send lists (docs/campaigns.md). Every change is audited.
struct CampaignCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "campaign", abstract: "Campaigns: send to a segment with a holdout, export the send list.",
        discussion: """
            A campaign is added, then sent once (`campaign send`): the segment is evaluated then, the consented and \
            reachable members are split into the contacted members and the holdout, and the send list is recorded. \
            `loyalty report campaigns` compares the two arms.
            """,
        subcommands: [Add.self, List.self, Show.self, CampaignSendCommand.self, CampaignExportCommand.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Define a campaign (sent later with `campaign send`).")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "Campaign code: lower-case letters, digits, - and _ (at most 64).") var code: String
        @Option(help: "Display name (required).") var name: String?
        @Option(help: "email or sms (required).") var channel: String?
        @Option(help: "The saved segment it goes to (required).") var segment: String?
        @Option(help: "First day, YYYY-MM-DD (default: today).") var from: String?
        @Option(help: "Last day, YYYY-MM-DD.") var to: String?
        @Option(help: "What it cost in total, such as 1500.00.") var cost: String?
        @Option(help: "ISO 4217 currency of --cost (default: tracker.currency).") var currency: String?
        @Option(help: "Percent of the reachable segment held out, 0 to 90 (default 10).") var holdout: String = "10"
        @Option(help: "Attribution window after the contact: 30, 30d or 4w (default 30 days).") var window: String = "30d"
        @Option(help: "A bonus promotion for the contacted members only (`loyalty promo add`).") var promo: String?

        func run() async throws {
            let runtime = try await CommandRuntime.make(options)
            let code = try RecordCode(parsing: self.code, argument: "code")
            guard let name else { throw LoyaltyError.missingArgument("--name") }
            guard let channelText = channel else { throw LoyaltyError.missingArgument("--channel") }
            guard let channel = ContactChannel(rawValue: channelText.lowercased()) else {
                throw LoyaltyError.badArgument("channel", "email or sms")
            }
            guard let segment else { throw LoyaltyError.missingArgument("--segment") }
            guard holdout.utf8.count <= 2, holdout.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
                let percent = Int(holdout)
            else {
                throw LoyaltyError.badArgument("holdout", "a share from 0 to 90 percent")
            }
            let fallback = runtime.settings.trackerRules.currency
            let definition = try CampaignDefinition(
                code: code, name: name, channel: channel, segment: try SegmentName(parsing: segment),
                startsOn: try CampaignArguments.day(from, argument: "from"), endsOn: try CampaignArguments.day(to, argument: "to"),
                cost: try CampaignArguments.cost(cost, currency: currency, default: fallback) ?? Money(minorUnits: 0, currency: fallback),
                holdoutPercent: percent,
                attributionDays: try DayCount.parse(window, argument: "window", maximum: CampaignDefinition.windowRange.upperBound),
                promotion: try promo.map { try PromotionCode(parsing: $0) })
            let record = try await runtime.withStore { store in try await store.addCampaign(definition, actor: runtime.actor) }
            try runtime.printCampaign(record)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List campaigns, newest first.")
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let runtime = try await CommandRuntime.make(options)
            let list = try await runtime.withStore { store in try await store.campaigns() }
            try runtime.output.list(
                columns: ["code", "name", "channel", "segment", "from", "holdout", "window", "promo", "sent", "contacted", "held out"],
                rows: list.map {
                    [$0.code, $0.name, $0.channel, $0.segmentName ?? "", $0.startsOn, "\($0.holdoutPercent)%", "\($0.attributionDays)d",
                     $0.promotion ?? "", $0.sentAt.map(Dates.text) ?? "", String($0.contacted), String($0.holdout)]
                },
                json: list)
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one campaign and its send.")
        @OptionGroup var options: GlobalOptions
        @Argument var code: String

        func run() async throws {
            let runtime = try await CommandRuntime.make(options)
            let code = try RecordCode(parsing: self.code, argument: "code")
            let record = try await runtime.withStore { store in try await store.campaign(code) }
            try runtime.printCampaign(record)
        }
    }
}

extension CommandRuntime {
    func printCampaign(_ campaign: CampaignRecord) throws {
        try output.record(
            [
                ("code", campaign.code), ("name", campaign.name), ("channel", campaign.channel), ("segment", campaign.segmentName ?? ""),
                ("from", campaign.startsOn), ("to", campaign.endsOn ?? ""),
                ("cost", "\(GiftCardArguments.money(campaign.costMinor, campaign.currency)) \(campaign.currency)"),
                ("holdout", "\(campaign.holdoutPercent)%"), ("window", "\(campaign.attributionDays) days"), ("promo", campaign.promotion ?? ""),
                ("created", "\(Dates.text(campaign.createdAt)) by \(campaign.createdBy)"),
                ("sent", campaign.sentAt.map { "\(Dates.text($0)) by \(campaign.sentBy ?? "")" } ?? "not yet"),
                ("contacted", String(campaign.contacted)), ("held out", String(campaign.holdout)),
                ("segment filter", campaign.segmentFilter ?? ""),
            ],
            json: campaign)
    }
}
