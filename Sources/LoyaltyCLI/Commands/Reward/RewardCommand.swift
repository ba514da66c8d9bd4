import ArgumentParser
import Foundation
import LoyaltyCore
import LoyaltyStore

/// `loyalty reward add|list|show|update|retire|grant`. Every change is audited under the acting administrator.
struct RewardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reward", abstract: "The rewards catalog, and rewards granted without points.",
        discussion: """
            A reward has a code, a name, a cost in points, an optional stock (vouchers that may still be issued), \
            optional first and last days, and an optional minimum tier. Members claim rewards at the till (CLAIM) \
            and get a single-use voucher; administrators grant vouchers with `reward grant`.
            """,
        subcommands: [Add.self, List.self, Show.self, Update.self, Retire.self, Grant.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a reward to the catalog.")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "Reward code: lower-case letters, digits, - and _ (at most 32).") var code: String
        @Option(help: "Display name (required).") var name: String?
        @Option(parsing: .unconditional, help: "Points a claim costs (required).") var cost: String?
        @Option(parsing: .unconditional, help: "Vouchers that may be issued; unlimited when not given.") var stock: String?
        @Option(help: "First day it can be claimed, YYYY-MM-DD.") var from: String?
        @Option(help: "Last day it can be claimed, YYYY-MM-DD; vouchers expire on it at the latest.") var until: String?
        @Option(name: .customLong("min-tier"), help: "Code of the lowest tier whose members may claim it.") var minTier: String?

        func run() async throws {
            let runtime = try await CommandRuntime.make(options)
            let code = try RewardCode(parsing: self.code)
            guard let name else { throw LoyaltyError.missingArgument("--name") }
            guard let cost else { throw LoyaltyError.missingArgument("--cost") }
            let reward = try RewardDefinition(
                code: code, name: try RewardArguments.name(name), cost: try RewardArguments.cost(cost),
                stock: try stock.map(RewardArguments.stock), validFrom: try from.map { try RewardArguments.date($0, "from") },
                validUntil: try until.map { try RewardArguments.date($0, "until") }, minimumTier: try minTier.map(RewardArguments.tier))
            let record = try await runtime.withStore { store in try await store.addReward(reward, actor: runtime.actor) }
            try runtime.printReward(record)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the rewards, retired ones included, by code.")
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let runtime = try await CommandRuntime.make(options)
            let rewards = try await runtime.withStore { store in try await store.listRewards() }
            try runtime.output.list(
                columns: ["code", "name", "cost", "stock", "from", "until", "min tier", "status", "issued", "used"],
                rows: rewards.map {
                    [$0.code, $0.name, String($0.cost), $0.stock.map(String.init) ?? "unlimited", $0.validFrom ?? "", $0.validUntil ?? "",
                     $0.minimumTier ?? "", $0.status, String($0.issued), String($0.used)]
                },
                json: rewards)
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one reward, with its vouchers issued and used.")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "Reward code.") var code: String

        func run() async throws {
            let runtime = try await CommandRuntime.make(options)
            let code = try RewardCode(parsing: self.code)
            let record = try await runtime.withStore { store in try await store.reward(code) }
            try runtime.printReward(record)
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change a reward; options not given keep their value, 'none' clears an optional one.",
            discussion: "Vouchers already issued keep their last day.")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "Reward code.") var code: String
        @Option var name: String?
        @Option(parsing: .unconditional) var cost: String?
        @Option(parsing: .unconditional, help: "Vouchers that may still be issued, or 'none' for no limit.") var stock: String?
        @Option(help: "First day, YYYY-MM-DD, or 'none'.") var from: String?
        @Option(help: "Last day, YYYY-MM-DD, or 'none'.") var until: String?
        @Option(name: .customLong("min-tier"), help: "Lowest tier that may claim it, or 'none'.") var minTier: String?

        func run() async throws {
            let runtime = try await CommandRuntime.make(options)
            let code = try RewardCode(parsing: self.code)
            var update = RewardUpdate()
            update.name = try name.map(RewardArguments.name)
            update.cost = try cost.map(RewardArguments.cost)
            update.stock = try RewardArguments.change(stock, RewardArguments.stock)
            update.validFrom = try RewardArguments.change(from) { text throws(LoyaltyError) in try RewardArguments.date(text, "from") }
            update.validUntil = try RewardArguments.change(until) { text throws(LoyaltyError) in try RewardArguments.date(text, "until") }
            update.minimumTier = try RewardArguments.change(minTier, RewardArguments.tier)
            guard !update.isEmpty else {
                throw LoyaltyError(
                    .missingArgument, "nothing to update: give --name, --cost, --stock, --from, --until or --min-tier")
            }
            let change = update
            let record = try await runtime.withStore { store in try await store.updateReward(code, change, actor: runtime.actor) }
            try runtime.printReward(record)
        }
    }

    struct Retire: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Retire a reward: it can no longer be claimed or granted; vouchers issued stay valid.")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "Reward code.") var code: String

        func run() async throws {
            let runtime = try await CommandRuntime.make(options)
            let code = try RewardCode(parsing: self.code)
            let record = try await runtime.withStore { store in try await store.retireReward(code, actor: runtime.actor) }
            try runtime.printReward(record)
        }
    }
}

extension CommandRuntime {
    func printReward(_ reward: RewardRecord) throws {
        try output.record(
            [
                ("code", reward.code), ("name", reward.name), ("cost", String(reward.cost)),
                ("stock", reward.stock.map(String.init) ?? "unlimited"), ("from", reward.validFrom ?? ""),
                ("until", reward.validUntil ?? ""), ("min tier", reward.minimumTier ?? ""), ("status", reward.status),
                ("issued", String(reward.issued)), ("used", String(reward.used)), ("created", Dates.text(reward.createdAt)),
                ("updated", Dates.text(reward.updatedAt)), ("retired", reward.retiredAt.map(Dates.text) ?? ""),
            ],
            json: reward)
    }
}
