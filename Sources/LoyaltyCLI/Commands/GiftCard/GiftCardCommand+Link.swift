import ArgumentParser
import LoyaltyCore
import LoyaltyStore

extension GiftCardCommand {
    /// `loyalty giftcard link CARD MEMBER`: the card then shows in the member's record.
    struct Link: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Link a card to a member (number, phone or email); audited.")
        @OptionGroup var options: GlobalOptions
        @OptionGroup var card: GiftCardSelector
        @Argument(help: "Member number, phone or email.") var member: String?

        func run() async throws {
            let runtime = try await CommandRuntime.make(options)
            // `link --batch 3 --last4 ABCD 0001000009`: the only positional argument is the member.
            var selector = card
            var member = self.member
            if member == nil, selector.code != nil, selector.batch != nil || selector.last4 != nil || selector.id != nil {
                member = selector.code
                selector.code = nil
            }
            let reference = try selector.reference()
            guard let member else { throw LoyaltyError.missingArgument("MEMBER") }
            let memberReference = try runtime.memberReference(member)
            let record = try await runtime.withStore(installationKey: selector.byCode) { store in
                try await store.linkGiftCard(reference, to: memberReference, actor: runtime.actor)
            }
            try runtime.printGiftCard(record)
        }
    }

    /// `loyalty giftcard unlink CARD`.
    struct Unlink: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Unlink a card from its member; audited.")
        @OptionGroup var options: GlobalOptions
        @OptionGroup var card: GiftCardSelector

        func run() async throws {
            let runtime = try await CommandRuntime.make(options)
            let reference = try card.reference()
            let record = try await runtime.withStore(installationKey: card.byCode) { store in
                try await store.linkGiftCard(reference, to: nil, actor: runtime.actor)
            }
            try runtime.printGiftCard(record)
        }
    }
}
