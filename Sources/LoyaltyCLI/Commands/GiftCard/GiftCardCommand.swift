import ArgumentParser

/// `loyalty giftcard issue|batches|void-batch|show|history|block|unblock|adjust|close|link|unlink`. Codes are
/// never stored: cards are named by their full code, by batch and last four characters, or by id. Every
/// change is audited under the acting administrator.
struct GiftCardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "giftcard", abstract: "Gift cards: issue batches, look cards up, block, adjust and close them.",
        discussion: """
            A card is named by its full code (ABCD-EFGH-JKMN-PQRS; case, spaces and dashes do not matter), or by \
            --batch B --last4 XXXX (the last four characters of its code), or by --id N. Amounts are decimal, in \
            the card's currency. See docs/operations.md, section 14.
            """,
        subcommands: [
            Issue.self, Batches.self, VoidBatch.self, Show.self, History.self, Block.self, Unblock.self, Adjust.self,
            Close.self, Link.self, Unlink.self,
        ])
}
