import ArgumentParser
import LoyaltyCore
import LoyaltyStore

extension GiftCardCommand {
    /// `loyalty giftcard show CARD`.
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a card: state, balance, held and available amounts, expiry, member, last activity.")
        @OptionGroup var options: GlobalOptions
        @OptionGroup var card: GiftCardSelector

        func run() async throws {
            let runtime = try await CommandRuntime.make(options)
            let reference = try card.reference()
            let record = try await runtime.withStore(installationKey: card.byCode) { store in try await store.giftCard(reference) }
            try runtime.printGiftCard(record)
        }
    }

    /// `loyalty giftcard history CARD`.
    struct History: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A card's activities, oldest first: the ledger its balance is the sum of.")
        @OptionGroup var options: GlobalOptions
        @OptionGroup var card: GiftCardSelector

        func run() async throws {
            let runtime = try await CommandRuntime.make(options)
            let reference = try card.reference()
            let (record, activities) = try await runtime.withStore(installationKey: card.byCode) { store in
                let id = try await store.giftCardID(reference)
                return (try await store.giftCard(.id(id)), try await store.giftCardHistory(.id(id)))
            }
            let money = { (minor: Int64) in GiftCardArguments.money(minor, record.currency) }
            try runtime.output.list(
                columns: ["id", "at", "kind", "amount", "balance", "held", "origin", "receipt", "reason"],
                rows: activities.map {
                    [
                        String($0.id), Dates.text($0.at), $0.kind, money($0.amount), money($0.balanceAfter), money($0.heldAfter),
                        Self.origin($0), $0.receipt ?? "", $0.reason ?? "",
                    ]
                },
                json: activities)
        }

        /// `till-1 (berlin-01) req=r5`, or the actor.
        static func origin(_ activity: GiftCardActivityRecord) -> String {
            guard let terminal = activity.terminal else { return activity.actor ?? "" }
            return terminal + (activity.store.map { " (\($0))" } ?? "") + (activity.request.map { " req=\($0)" } ?? "")
        }
    }
}

extension CommandRuntime {
    func printGiftCard(_ card: GiftCardRecord) throws {
        let money = { (minor: Int64) in GiftCardArguments.money(minor, card.currency) }
        try output.record(
            [
                ("card", "…" + card.last4), ("id", String(card.id)), ("batch", String(card.batch)), ("state", card.state),
                ("currency", card.currency), ("balance", money(card.balance)), ("held", money(card.held)),
                ("available", money(card.available)), ("expires", card.expires ?? ""), ("member", card.member ?? ""),
                ("pin", card.pin ? "yes" : "no"), ("issued by", card.issuedBy), ("issued at", Dates.text(card.issuedAt)),
                ("last activity", [card.lastActivity, card.lastActivityAt.map(Dates.text)].compactMap { $0 }.joined(separator: " ")),
            ],
            json: card)
    }
}
