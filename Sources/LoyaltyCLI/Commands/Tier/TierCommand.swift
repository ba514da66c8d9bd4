import ArgumentParser
import Foundation
import LoyaltyCore
import LoyaltyStore

/// `loyalty tier add|list|update|remove|seed|set|history`. Every change is audited under the acting administrator.
struct TierCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tier", abstract: "Reward tiers and members' tiers.",
        discussion: """
            Tiers are data: a code, a name, a rank (0 is the lowest, where every member starts), the qualifying \
            points that reach the tier, an earn multiplier (1 to 10, at most two decimals) and a benefits text.
            """,
        subcommands: [Add.self, List.self, Update.self, Remove.self, Seed.self, Assign.self, History.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Define a tier.")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "Tier code: lower-case letters, digits, - and _ (at most 32).") var code: String
        @Option(help: "Display name (required).") var name: String?
        @Option(parsing: .unconditional, help: "Order of the tier, 0 for the lowest (required).") var rank: String?
        @Option(parsing: .unconditional, help: "Qualifying points needed to reach the tier (required).") var threshold: String?
        @Option(help: "Earn multiplier, 1 to 10 with at most two decimals (default 1).") var multiplier: String?
        @Option(help: "What the tier gives its members.") var benefits: String?

        func run() async throws {
            let runtime = try await CommandRuntime.make(options)
            let code = try TierCode(parsing: self.code)
            guard let name else { throw LoyaltyError.missingArgument("--name") }
            guard let rank else { throw LoyaltyError.missingArgument("--rank") }
            guard let threshold else { throw LoyaltyError.missingArgument("--threshold") }
            let tier = try TierDefinition(
                code: code, name: try TierArguments.name(name), rank: try TierArguments.rank(rank),
                threshold: try TierArguments.threshold(threshold),
                multiplier: try multiplier.map { try PointsMultiplier(parsing: $0) } ?? PointsMultiplier(percent: 100),
                benefits: try benefits.map(TierArguments.benefits) ?? "")
            let record = try await runtime.withStore { store in try await store.addTier(tier, actor: runtime.actor) }
            try runtime.printTier(record)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the tiers, lowest rank first.")
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let runtime = try await CommandRuntime.make(options)
            let tiers = try await runtime.withStore { store in try await store.listTiers() }
            try runtime.printTiers(tiers)
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Change a tier; options not given keep their value.")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "Tier code.") var code: String
        @Option var name: String?
        @Option(parsing: .unconditional) var rank: String?
        @Option(parsing: .unconditional) var threshold: String?
        @Option(help: "Earn multiplier, 1 to 10 with at most two decimals.") var multiplier: String?
        @Option(help: "Give '' to clear.") var benefits: String?

        func run() async throws {
            let runtime = try await CommandRuntime.make(options)
            let code = try TierCode(parsing: self.code)
            let update = TierUpdate(
                name: try name.map(TierArguments.name), rank: try rank.map(TierArguments.rank),
                threshold: try threshold.map(TierArguments.threshold),
                multiplier: try multiplier.map { try PointsMultiplier(parsing: $0) },
                benefits: try benefits.map(TierArguments.benefits))
            guard !update.isEmpty else {
                throw LoyaltyError(.missingArgument, "nothing to update: give --name, --rank, --threshold, --multiplier or --benefits")
            }
            let record = try await runtime.withStore { store in
                try await store.updateTier(code: code, update, actor: runtime.actor)
            }
            try runtime.printTier(record)
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove a tier that no member holds and no tier history names.")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "Tier code.") var code: String

        func run() async throws {
            let runtime = try await CommandRuntime.make(options)
            let code = try TierCode(parsing: self.code)
            let record = try await runtime.withStore { store in try await store.removeTier(code: code, actor: runtime.actor) }
            try runtime.printTier(record)
            runtime.output.message("Removed tier \(record.code).")
        }
    }
}

extension CommandRuntime {
    func printTier(_ tier: TierRecord) throws {
        try output.record(
            [
                ("code", tier.code), ("name", tier.name), ("rank", String(tier.rank)), ("threshold", String(tier.threshold)),
                ("multiplier", TierArguments.multiplierText(percent: tier.multiplierPercent)), ("benefits", tier.benefits),
                ("created", Dates.text(tier.createdAt)), ("updated", Dates.text(tier.updatedAt)),
            ],
            json: TierJSON(tier))
    }

    func printTiers(_ tiers: [TierRecord]) throws {
        try output.list(
            columns: ["code", "name", "rank", "threshold", "multiplier", "benefits"],
            rows: tiers.map {
                [$0.code, $0.name, String($0.rank), String($0.threshold), TierArguments.multiplierText(percent: $0.multiplierPercent),
                 $0.benefits]
            },
            json: tiers.map(TierJSON.init))
    }
}

/// A tier as the CLI prints it in JSON: the multiplier as exact text (`"1.5"`), so that `tier list --format json`
/// can be fed back to `tier seed`, and in percent.
struct TierJSON: Encodable {
    let code: String
    let name: String
    let rank: Int
    let threshold: Int64
    let multiplier: String
    let multiplierPercent: Int
    let benefits: String
    let createdAt: Date
    let updatedAt: Date

    init(_ tier: TierRecord) {
        code = tier.code
        name = tier.name
        rank = tier.rank
        threshold = tier.threshold
        multiplier = (try? PointsMultiplier(percent: tier.multiplierPercent)).map(\.description) ?? "\(tier.multiplierPercent)%"
        multiplierPercent = tier.multiplierPercent
        benefits = tier.benefits
        createdAt = tier.createdAt
        updatedAt = tier.updatedAt
    }

    enum CodingKeys: String, CodingKey {
        case code, name, rank, threshold, multiplier, multiplierPercent = "multiplier_percent", benefits
        case createdAt = "created_at", updatedAt = "updated_at"
    }
}
