import ArgumentParser
import LoyaltyCore
import LoyaltyStore

extension GiftCardCommand {
    /// `loyalty giftcard block CARD --reason R`.
    struct Block: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Block an active card: the till refuses it until it is unblocked.")
        @OptionGroup var options: GlobalOptions
        @OptionGroup var card: GiftCardSelector
        @Option(help: "Why (required; audited).") var reason: String?
        func run() async throws { try await GiftCardCommand.administer(options, card, reason) { _ in .block } }
    }

    /// `loyalty giftcard unblock CARD --reason R`.
    struct Unblock: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Unblock a blocked card (also one blocked after wrong PINs, whose count starts again).")
        @OptionGroup var options: GlobalOptions
        @OptionGroup var card: GiftCardSelector
        @Option(help: "Why (required; audited).") var reason: String?
        func run() async throws { try await GiftCardCommand.administer(options, card, reason) { _ in .unblock } }
    }

    /// `loyalty giftcard adjust CARD --amount ±A --reason R`.
    struct Adjust: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change a card's balance by a signed amount (+5.00 or -5.00); never below what is held.")
        @OptionGroup var options: GlobalOptions
        @OptionGroup var card: GiftCardSelector
        @Option(parsing: .unconditional, help: "The change, in the card's currency: +A or -A (required).") var amount: String?
        @Option(help: "Why (required; audited).") var reason: String?

        func run() async throws {
            guard let amount else { throw LoyaltyError.missingArgument("--amount") }
            try await GiftCardCommand.administer(options, card, reason) { card throws(LoyaltyError) in
                .adjust(try GiftCardArguments.signedAmount(amount, currency: try Currency(code: card.currency)))
            }
        }
    }

    /// `loyalty giftcard close CARD --reason R`.
    struct Close: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Close a card (cash-out or void): releases its holds and takes its balance off. Final.")
        @OptionGroup var options: GlobalOptions
        @OptionGroup var card: GiftCardSelector
        @Option(help: "Why (required; audited).") var reason: String?
        func run() async throws { try await GiftCardCommand.administer(options, card, reason) { _ in .close } }
    }

    /// Looks the card up, makes the action (which may depend on the card, such as an amount in its
    /// currency), carries it out and prints the card afterwards.
    static func administer(
        _ options: GlobalOptions, _ selector: GiftCardSelector, _ reason: String?,
        _ action: @escaping @Sendable (GiftCardRecord) throws(LoyaltyError) -> GiftCardAdminAction
    ) async throws {
        let runtime = try await CommandRuntime.make(options)
        let reference = try selector.reference()
        let reason = try GiftCardArguments.reason(reason)
        let record = try await runtime.withStore(installationKey: selector.byCode) { store in
            let card = try await store.giftCard(reference)
            return try await store.administerGiftCard(.id(card.id), try action(card), reason: reason, actor: runtime.actor)
        }
        try runtime.printGiftCard(record)
    }
}
