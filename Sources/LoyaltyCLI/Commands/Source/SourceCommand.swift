import ArgumentParser
import LoyaltyCore
import LoyaltyStore

/// `loyalty source add|list|show|update`: acquisition sources, the records members carry of where they
/// came from (docs/campaigns.md). Every change is audited.
struct SourceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "source", abstract: "Acquisition sources: where members come from, with a channel, dates and a cost.",
        discussion: "Members carry their source (`member add|update --source CODE`); `loyalty report sources` reports on them.",
        subcommands: [Add.self, List.self, Show.self, Update.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Record an acquisition source.")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "Source code: lower-case letters, digits, - and _ (at most 64).") var code: String
        @Option(help: "Display name (required).") var name: String?
        @Option(help: "Channel: a short code such as partner, print, social, event (required).") var channel: String?
        @Option(help: "First day, YYYY-MM-DD.") var from: String?
        @Option(help: "Last day, YYYY-MM-DD.") var to: String?
        @Option(help: "What it cost in total, such as 1500.00.") var cost: String?
        @Option(help: "ISO 4217 currency of --cost (default: tracker.currency).") var currency: String?

        func run() async throws {
            let runtime = try await CommandRuntime.make(options)
            let code = try RecordCode(parsing: self.code, argument: "code")
            guard let name else { throw LoyaltyError.missingArgument("--name") }
            guard let channel else { throw LoyaltyError.missingArgument("--channel") }
            let fallback = runtime.settings.trackerRules.currency
            let definition = try AcquisitionSourceDefinition(
                code: code, name: name, channel: channel, startsOn: try CampaignArguments.day(from, argument: "from"),
                endsOn: try CampaignArguments.day(to, argument: "to"),
                cost: try CampaignArguments.cost(cost, currency: currency, default: fallback) ?? Money(minorUnits: 0, currency: fallback))
            let record = try await runtime.withStore { store in try await store.addSource(definition, actor: runtime.actor) }
            try runtime.printSource(record)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the acquisition sources.")
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let runtime = try await CommandRuntime.make(options)
            let list = try await runtime.withStore { store in try await store.sources() }
            try runtime.output.list(
                columns: ["code", "name", "channel", "from", "to", "cost", "currency", "members"],
                rows: list.map {
                    [$0.code, $0.name, $0.channel, $0.startsOn ?? "", $0.endsOn ?? "", GiftCardArguments.money($0.costMinor, $0.currency),
                     $0.currency, String($0.members)]
                },
                json: list)
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one acquisition source.")
        @OptionGroup var options: GlobalOptions
        @Argument var code: String

        func run() async throws {
            let runtime = try await CommandRuntime.make(options)
            let code = try RecordCode(parsing: self.code, argument: "code")
            let record = try await runtime.withStore { store in try await store.source(code) }
            try runtime.printSource(record)
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change a source's name, channel, days or cost; options not given keep their value.")
        @OptionGroup var options: GlobalOptions
        @Argument var code: String
        @Option var name: String?
        @Option var channel: String?
        @Option(help: "First day, YYYY-MM-DD.") var from: String?
        @Option(help: "Last day, YYYY-MM-DD.") var to: String?
        @Option(help: "What it cost in total.") var cost: String?
        @Option(help: "ISO 4217 currency of --cost (default: tracker.currency).") var currency: String?

        func run() async throws {
            let runtime = try await CommandRuntime.make(options)
            let code = try RecordCode(parsing: self.code, argument: "code")
            let update = AcquisitionSourceUpdate(
                name: try name.map { try FieldRules.requiredText($0, field: "name") },
                channel: try channel.map { try ShortCode.parse($0, argument: "channel") },
                startsOn: try CampaignArguments.day(from, argument: "from"), endsOn: try CampaignArguments.day(to, argument: "to"),
                cost: try CampaignArguments.cost(cost, currency: currency, default: runtime.settings.trackerRules.currency))
            guard !update.isEmpty else {
                throw LoyaltyError(.missingArgument, "nothing to update: give --name, --channel, --from, --to or --cost")
            }
            if let startsOn = update.startsOn, let endsOn = update.endsOn, endsOn < startsOn {
                throw LoyaltyError.badArgument("to", "the last day comes before the first")
            }
            let record = try await runtime.withStore { store in try await store.updateSource(code, update, actor: runtime.actor) }
            try runtime.printSource(record)
        }
    }
}

extension CommandRuntime {
    func printSource(_ source: AcquisitionSourceRecord) throws {
        try output.record(
            [
                ("code", source.code), ("name", source.name), ("channel", source.channel), ("from", source.startsOn ?? ""),
                ("to", source.endsOn ?? ""), ("cost", "\(GiftCardArguments.money(source.costMinor, source.currency)) \(source.currency)"),
                ("members", String(source.members)), ("created", Dates.text(source.createdAt)), ("updated", Dates.text(source.updatedAt)),
            ],
            json: source)
    }
}
