import ArgumentParser
import LoyaltyCore
import LoyaltyStore

extension GiftCardCommand {
    /// `loyalty giftcard batches`: the batches with cards issued versus activated (also `report gift-batches`).
    struct Batches: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the batches: cards issued and activated, money loaded, balances outstanding.",
            discussion: """
                outstanding: the balances of the batch's cards that are active or blocked and not past their last \
                day (the batches' outstanding balances add up to `report gift-liability`). Amounts in JSON are minor units.
                """)
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let runtime = try await CommandRuntime.make(options)
            let batches = try await runtime.withStore { store in try await store.giftCardBatches() }
            try runtime.printBatches(batches)
        }
    }

    /// `loyalty giftcard void-batch BATCH --reason R [--force]`.
    struct VoidBatch: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "void-batch", abstract: "Void a batch: close every card of it not closed yet; audited.",
            discussion: """
                Cards already sold (active or blocked) hold customers' money: the batch is voided only with --force, \
                which closes them too and takes their balances off. A batch is voided once.
                """)
        @OptionGroup var options: GlobalOptions
        @Argument(help: "The batch id.") var batch: String
        @Option(help: "Why (required; audited and kept with each card's close).") var reason: String?
        @Flag(help: "Close cards already sold, too.") var force = false

        func run() async throws {
            let runtime = try await CommandRuntime.make(options)
            let id = try GiftCardArguments.identifier(batch, "batch")
            let reason = try GiftCardArguments.reason(reason)
            let force = self.force
            let (closed, record) = try await runtime.withStore { store in
                let closed = try await store.voidGiftCardBatch(id, reason: reason, force: force, actor: runtime.actor)
                return (closed, try await store.giftCardBatch(id))
            }
            try runtime.printBatches([record])
            runtime.output.message("Batch \(id) voided: \(closed) card\(closed == 1 ? "" : "s") closed.")
        }
    }
}

extension CommandRuntime {
    func printBatches(_ batches: [GiftCardBatchRecord]) throws {
        try output.list(
            columns: [
                "batch", "currency", "amount", "issued", "activated", "loaded", "outstanding", "expires", "pin", "status", "issued by",
                "issued at", "note",
            ],
            rows: batches.map { batch in
                [
                    String(batch.id), batch.currency, batch.amount.map { GiftCardArguments.money($0, batch.currency) } ?? "any",
                    String(batch.issued), String(batch.activated), GiftCardArguments.money(batch.loaded, batch.currency),
                    GiftCardArguments.money(batch.outstanding, batch.currency), batch.expires ?? "", batch.pin ? "yes" : "no",
                    batch.voidedAt == nil ? "open" : "voided", batch.issuedBy, Dates.text(batch.issuedAt), batch.note ?? "",
                ]
            },
            json: batches)
    }
}
