import ArgumentParser
import Foundation
import LoyaltyCore
import LoyaltyStore

/// `loyalty promo add|list|show|update|end`. Every change is audited under the acting administrator.
struct PromoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "promo", abstract: "Promotions: bonus points for purchases on given days, stores or occasions.",
        discussion: """
            A promotion gives a multiple of a purchase's base points (--multiplier 2: double points) or a fixed bonus \
            (--bonus 200), from --from to --to (inclusive days in the programme's time zone), optionally only at some \
            stores (--store, repeatable), above a minimum spend, on a condition (first-purchase, birthday-month), \
            and at most --limit times per member. Examples are in docs/programme.md.
            """,
        subcommands: [Add.self, List.self, Show.self, Update.self, End.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Define a promotion.")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "Promotion code: lower-case letters, digits, - and _ (at most 32); printed on receipts.")
        var code: String
        @Option(help: "Display name (required).") var name: String?
        @Option(help: "First day, YYYY-MM-DD (required).") var from: String?
        @Option(help: "Last day, YYYY-MM-DD, inclusive (required).") var to: String?
        @Option(help: "Multiple of the base points, more than 1 (2 doubles them).") var multiplier: String?
        @Option(help: "A fixed number of bonus points.") var bonus: String?
        @Option(help: "any (default), first-purchase or birthday-month.") var condition: String = "any"
        @Option(help: "A store code it applies at; repeat for several. Default: every store.") var store: [String] = []
        @Option(help: "Smallest purchase it rewards, with --currency.") var minSpend: String?
        @Option(help: "ISO 4217 currency of --min-spend.") var currency: String?
        @Option(parsing: .unconditional, help: "Purchases per member it rewards at most.") var limit: String?

        func run() async throws {
            let runtime = try await CommandRuntime.make(options)
            guard let name else { throw LoyaltyError.missingArgument("--name") }
            guard let from else { throw LoyaltyError.missingArgument("--from") }
            guard let to else { throw LoyaltyError.missingArgument("--to") }
            let promotionBonus: PromotionBonus
            switch (multiplier, bonus) {
            case (let multiplier?, nil): promotionBonus = .multiplier(try PointsMultiplier(parsing: multiplier))
            case (nil, let bonus?): promotionBonus = .points(try PointsQuantity.parse(bonus, argument: "bonus"))
            default: throw LoyaltyError.badArgument("bonus", "give --multiplier or --bonus (one of them)")
            }
            let minimumSpend: Money?
            switch (minSpend, currency) {
            case (let amount?, let currency?):
                minimumSpend = try Money(parsing: amount, currency: try Currency(code: currency), argument: "min-spend")
            case (nil, nil): minimumSpend = nil
            case (_?, nil): throw LoyaltyError.missingArgument("--currency")
            case (nil, _?): throw LoyaltyError.missingArgument("--min-spend")
            }
            let promotion = try PromotionDefinition(
                code: try PromotionCode(parsing: code), name: name, startsOn: try CalendarDate(parsing: from, argument: "from"),
                endsOn: try CalendarDate(parsing: to, argument: "to"), stores: store.isEmpty ? nil : store,
                condition: try PromotionCondition(parsing: condition), bonus: promotionBonus, minimumSpend: minimumSpend,
                limitPerMember: try limit.map(Self.limit))
            let record = try await runtime.withStore { store in try await store.addPromotion(promotion, actor: runtime.actor) }
            try runtime.printPromotion(record)
        }

        static func limit(_ text: String) throws(LoyaltyError) -> Int {
            guard text.utf8.count <= 7, text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
                let number = Int(text), number >= 1
            else {
                throw .badArgument("limit", "a whole number of purchases, at least 1, expected")
            }
            return number
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List active promotions (--all: ended ones too).")
        @OptionGroup var options: GlobalOptions
        @Flag(help: "Include ended promotions.") var all = false

        func run() async throws {
            let runtime = try await CommandRuntime.make(options)
            let list = try await runtime.withStore { store in try await store.listPromotions(includeEnded: all) }
            try runtime.output.list(
                columns: ["code", "name", "from", "to", "bonus", "condition", "stores", "min_spend", "limit", "status",
                          "awards", "points"],
                rows: list.map {
                    [$0.code, $0.name, $0.startsOn, $0.endsOn, PromoText.bonus($0), $0.condition,
                     $0.stores?.joined(separator: " ") ?? "all", PromoText.minimumSpend($0),
                     $0.limitPerMember.map(String.init) ?? "", $0.status, String($0.awards), String($0.pointsAwarded)]
                },
                json: list)
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one promotion and what it has given.")
        @OptionGroup var options: GlobalOptions
        @Argument var code: String

        func run() async throws {
            let runtime = try await CommandRuntime.make(options)
            let code = try PromotionCode(parsing: self.code)
            let record = try await runtime.withStore { store in try await store.promotion(code: code) }
            try runtime.printPromotion(record)
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change a promotion's name, days or limit; options not given keep their value.")
        @OptionGroup var options: GlobalOptions
        @Argument var code: String
        @Option var name: String?
        @Option(help: "First day, YYYY-MM-DD.") var from: String?
        @Option(help: "Last day, YYYY-MM-DD.") var to: String?
        @Option(parsing: .unconditional) var limit: String?

        func run() async throws {
            let runtime = try await CommandRuntime.make(options)
            let code = try PromotionCode(parsing: self.code)
            let update = try PromotionUpdate(
                name: name, startsOn: try from.map { try CalendarDate(parsing: $0, argument: "from") },
                endsOn: try to.map { try CalendarDate(parsing: $0, argument: "to") }, limitPerMember: try limit.map(Add.limit))
            guard !update.isEmpty else {
                throw LoyaltyError(.missingArgument, "nothing to update: give --name, --from, --to or --limit")
            }
            let record = try await runtime.withStore { store in
                try await store.updatePromotion(code: code, update, actor: runtime.actor)
            }
            try runtime.printPromotion(record)
        }
    }

    struct End: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "End a promotion now; what it gave stays.")
        @OptionGroup var options: GlobalOptions
        @Argument var code: String

        func run() async throws {
            let runtime = try await CommandRuntime.make(options)
            let code = try PromotionCode(parsing: self.code)
            let record = try await runtime.withStore { store in try await store.endPromotion(code: code, actor: runtime.actor) }
            try runtime.printPromotion(record)
        }
    }
}

extension CommandRuntime {
    func printPromotion(_ promotion: PromotionRecord) throws {
        try output.record(
            [
                ("code", promotion.code), ("name", promotion.name), ("from", promotion.startsOn), ("to", promotion.endsOn),
                ("bonus", PromoText.bonus(promotion)), ("condition", promotion.condition),
                ("stores", promotion.stores?.joined(separator: " ") ?? "all"), ("min spend", PromoText.minimumSpend(promotion)),
                ("limit per member", promotion.limitPerMember.map(String.init) ?? "none"), ("status", promotion.status),
                ("awards", String(promotion.awards)), ("points awarded", String(promotion.pointsAwarded)),
                ("created", Dates.text(promotion.createdAt)), ("updated", Dates.text(promotion.updatedAt)),
            ],
            json: promotion)
    }
}

/// How tables show a promotion's bonus and minimum spend.
enum PromoText {
    static func bonus(_ promotion: PromotionRecord) -> String {
        if let percent = promotion.multiplierPercent { return TierArguments.multiplierText(percent: percent) }
        return "+\(promotion.bonusPoints ?? 0)"
    }

    static func minimumSpend(_ promotion: PromotionRecord) -> String {
        guard let minor = promotion.minSpendMinor, let code = promotion.minSpendCurrency,
            let currency = try? Currency(code: code)
        else { return "" }
        return Money(minorUnits: minor, currency: currency).description
    }
}
