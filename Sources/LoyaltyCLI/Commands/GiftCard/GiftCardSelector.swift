import ArgumentParser
import LoyaltyCore

/// The card a `giftcard` command acts on: a full code, `--batch B --last4 XXXX`, or `--id N`.
struct GiftCardSelector: ParsableArguments {
    @Argument(help: "The card's full code; or give --batch and --last4, or --id.") var code: String?
    @Option(parsing: .unconditional, help: "The card's batch (with --last4).") var batch: String?
    @Option(help: "The last four characters of the card's code (with --batch).") var last4: String?
    @Option(parsing: .unconditional, help: "The card's id (listed when four characters match several cards).") var id: String?

    /// Whether the card is named by its code, which needs the installation key to look up.
    var byCode: Bool { code != nil }

    /// The card named; exactly one way of naming it must be given.
    func reference() throws(LoyaltyError) -> GiftCardReference {
        switch (code, batch, last4, id) {
        case (let code?, nil, nil, nil):
            return .code(try GiftCardCode(parsing: code, argument: "card"))
        case (nil, let batch?, let last4?, nil):
            return try .last4(batch: try GiftCardArguments.identifier(batch, "batch"), parsing: last4)
        case (nil, nil, nil, let id?):
            return .id(try GiftCardArguments.identifier(id, "id"))
        case (nil, nil, nil, nil):
            throw LoyaltyError(.missingArgument, "missing argument CARD: give the card's code, --batch with --last4, or --id")
        case (nil, _?, nil, nil):
            throw LoyaltyError.missingArgument("--last4")
        case (nil, nil, _?, nil):
            throw LoyaltyError.missingArgument("--batch")
        default:
            throw LoyaltyError.badArgument("card", "give the card's code, --batch with --last4, or --id: one of them")
        }
    }
}
