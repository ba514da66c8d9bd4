import ArgumentParser
import LoyaltyCore
import LoyaltyStore

/// `loyalty points earn|redeem|adjust|reverse|transfer|history|expiring`. Every change is audited under the
/// acting administrator.
struct PointsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "points", abstract: "The points ledger.",
        subcommands: [Earn.self, Redeem.self, Adjust.self, Reverse.self, Transfer.self, History.self, Expiring.self])

    struct Earn: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Award points for a purchase amount or as a number of points.")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "Member number, phone or email.") var member: String
        @Option(help: "Purchase amount, in the currency's precision (25.00).") var amount: String?
        @Option(help: "ISO 4217 currency of the amount.") var currency: String?
        @Option(help: "Points to award instead of an amount.") var points: String?
        @Option var receipt: String?
        @Option(help: "Why (recorded on the entry).") var reason: String?

        func run() async throws {
            let runtime = try await CommandRuntime.make(options)
            let reference = try runtime.memberReference(member)
            let receipt = try self.receipt.map { try Identifier.parse($0, argument: "receipt") }
            let reason = try self.reason.map { try FieldRules.text($0, field: "reason", maximumLength: 500) }
            let (points, purchase): (Int64, Money?)
            switch (amount, currency, self.points) {
            case (let amount?, let currency?, nil):
                let money = try Money(parsing: amount, currency: try Currency(code: currency))
                (points, purchase) = (try runtime.settings.earnRates.points(for: money), money)
            case (nil, nil, let text?):
                (points, purchase) = (try PointsQuantity.parse(text), nil)
            case (_?, nil, _):
                throw LoyaltyError.missingArgument("--currency")
            default:
                throw LoyaltyError.badArgument("earn", "give --amount and --currency, or --points")
            }
            let result = try await runtime.withStore { store in
                try await store.earn(reference, points: points, purchase: purchase, receipt: receipt, reason: reason,
                                     origin: .admin(actor: runtime.actor))
            }
            try runtime.printLedger(result, ("earned", result.earned))
        }
    }

    struct Redeem: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Spend a member's points.")
        @OptionGroup var options: GlobalOptions
        @Argument var member: String
        @Option var points: String
        @Option var reason: String?

        func run() async throws {
            let runtime = try await CommandRuntime.make(options)
            let reference = try runtime.memberReference(member)
            let points = try PointsQuantity.parse(self.points)
            let reason = try self.reason.map { try FieldRules.text($0, field: "reason", maximumLength: 500) }
            let result = try await runtime.withStore { store in
                try await store.redeem(reference, points: points, receipt: nil, reason: reason, origin: .admin(actor: runtime.actor))
            }
            try runtime.printLedger(result, ("redeemed", result.redeemed))
        }
    }

    struct Adjust: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Correct a balance with a new ledger entry (+N or -N). A reason is required.")
        @OptionGroup var options: GlobalOptions
        @Argument var member: String
        @Option(parsing: .unconditional, help: "Signed number of points, e.g. 50 or -20.") var points: String
        @Option(help: "Why (required, audited).") var reason: String

        func run() async throws {
            let runtime = try await CommandRuntime.make(options)
            let reference = try runtime.memberReference(member)
            let points = try PointsQuantity.parseSigned(self.points)
            let reason = try FieldRules.requiredText(self.reason, field: "reason", maximumLength: 500)
            let result = try await runtime.withStore { store in
                try await store.adjust(reference, points: points, reason: reason, actor: runtime.actor)
            }
            try runtime.printLedger(result, ("adjusted", result.adjusted))
        }
    }

    struct Reverse: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Take back an earlier earn (a refund): in full, by refunded amount, or by points.")
        @OptionGroup var options: GlobalOptions
        @Option(help: "Ledger entry id of the earn.") var entry: Int64
        @Option(help: "Refunded amount (partial refund).") var amount: String?
        @Option var currency: String?
        @Option(help: "Points to take back (partial).") var points: String?

        func run() async throws {
            let runtime = try await CommandRuntime.make(options)
            guard entry > 0 else { throw LoyaltyError.badArgument("entry", "a positive entry id") }
            let extent: ReversalExtent
            switch (amount, currency, points) {
            case (nil, nil, nil): extent = .full
            case (let amount?, let currency?, nil): extent = .amount(try Money(parsing: amount, currency: try Currency(code: currency)))
            case (nil, nil, let points?): extent = .points(try PointsQuantity.parse(points))
            case (_?, nil, _): throw LoyaltyError.missingArgument("--currency")
            default: throw LoyaltyError.badArgument("reverse", "give --amount and --currency, or --points, or neither")
            }
            let result = try await runtime.withStore { store in
                try await store.reverse(earn: .entry(entry), extent: extent, origin: .admin(actor: runtime.actor))
            }
            try runtime.output.record(
                [("member", result.member), ("reversed", String(result.reversed ?? 0)), ("shortfall", String(result.shortfall ?? 0)),
                 ("points", String(result.points)), ("entry", result.entry.map(String.init) ?? "")],
                json: LedgerResultJSON(result))
        }
    }

    struct History: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A member's ledger, newest first.")
        @OptionGroup var options: GlobalOptions
        @Argument var member: String
        @Option(help: "Entries to show (1-1000).") var limit = 20

        func run() async throws {
            let runtime = try await CommandRuntime.make(options)
            let reference = try runtime.memberReference(member)
            guard (1...1000).contains(limit) else { throw LoyaltyError.badArgument("limit", "1...1000") }
            let history = try await runtime.withStore { store in try await store.history(reference, limit: limit) }
            try runtime.output.list(
                columns: ["entry", "at", "kind", "points", "balance", "receipt", "by", "reason"],
                rows: history.entries.map {
                    [String($0.entry), Dates.text($0.at), $0.kind, String($0.points), String($0.balance), $0.receipt ?? "",
                     $0.terminal ?? $0.adminActor ?? "", $0.reason ?? ($0.shortfall > 0 ? "shortfall \($0.shortfall)" : "")]
                },
                json: history.entries)
        }
    }
}

extension CommandRuntime {
    /// A ledger call's outcome; for a purchase also its base points and tier bonus, and the member's tier
    /// after the call when the programme has tiers.
    func printLedger(_ result: LedgerResult, _ amount: (String, Int64?)) throws {
        var fields = [("member", result.member), (amount.0, String(amount.1 ?? 0))]
        if let base = result.base {
            fields += [("base", String(base)), ("tier bonus", String(result.tierBonus ?? 0))]
            for promotion in result.promotions ?? [] {
                fields.append(("promotion \(promotion.code)", String(promotion.points)))
            }
        }
        fields.append(("points", String(result.points)))
        if let pending = result.pending {
            fields.append(("pending", String(pending) + (result.availableOn.map { " (spendable from \($0))" } ?? "")))
        }
        fields.append(("entry", result.entry.map(String.init) ?? ""))
        if let tier = result.tier {
            fields += [("tier", tier), ("next tier", Self.nextTierText(result.nextTier, toNext: result.toNext))]
        }
        try output.record(fields, json: LedgerResultJSON(result))
    }
}

/// A ledger result in JSON, with the keys of the protocol's reply (`tier_bonus`, `next_tier`, `to_next`).
struct LedgerResultJSON: Encodable {
    let result: LedgerResult

    init(_ result: LedgerResult) {
        self.result = result
    }

    enum CodingKeys: String, CodingKey {
        case member, points, pending, availableOn = "available_on", entry, earned, redeemed, reversed, shortfall, adjusted
        case base, tierBonus = "tier_bonus", promotions, tier, nextTier = "next_tier", toNext = "to_next", replayed
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(result.member, forKey: .member)
        try container.encode(result.points, forKey: .points)
        try container.encodeIfPresent(result.pending, forKey: .pending)
        try container.encodeIfPresent(result.availableOn, forKey: .availableOn)
        try container.encodeIfPresent(result.entry, forKey: .entry)
        try container.encodeIfPresent(result.earned, forKey: .earned)
        try container.encodeIfPresent(result.redeemed, forKey: .redeemed)
        try container.encodeIfPresent(result.reversed, forKey: .reversed)
        try container.encodeIfPresent(result.shortfall, forKey: .shortfall)
        try container.encodeIfPresent(result.adjusted, forKey: .adjusted)
        try container.encodeIfPresent(result.base, forKey: .base)
        try container.encodeIfPresent(result.tierBonus, forKey: .tierBonus)
        try container.encodeIfPresent(result.promotions, forKey: .promotions)
        try container.encodeIfPresent(result.tier, forKey: .tier)
        try container.encodeIfPresent(result.nextTier, forKey: .nextTier)
        try container.encodeIfPresent(result.toNext, forKey: .toNext)
        try container.encodeIfPresent(result.replayed, forKey: .replayed)
    }
}
