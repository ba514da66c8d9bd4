import ArgumentParser
import LoyaltyCore
import LoyaltyStore

/// `loyalty member erase MEMBER --reason TEXT --yes`: removes a member's personal data, permanently.
struct MemberEraseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "erase", abstract: "Erase a member's personal data, permanently (needs --yes).",
        discussion: """
            Closes the member if open, replaces the names by 'Erased Member', removes email, phone, birth date, \
            address, external id, source campaign and tags, withdraws consent, blanks the text of their \
            interactions and follow-ups and the addresses of their campaign send-list entries. The ledger, \
            purchases, gift cards and all figures are kept. The record cannot be changed afterwards. Audited \
            with the reason and the kinds of data removed. See docs/privacy.md.
            """)
    @OptionGroup var options: GlobalOptions
    @Argument(help: "Member number, phone or email.") var member: String
    @Option(help: "Why (audited), 1 to 500 characters.") var reason: String?
    @Flag(help: "Confirm: the erasure cannot be undone.") var yes = false

    func run() async throws {
        let runtime = try await CommandRuntime.make(options)
        let reference = try runtime.memberReference(member)
        guard let reason = self.reason else { throw LoyaltyError.missingArgument("--reason") }
        let text = try FieldRules.requiredText(reason, field: "reason", maximumLength: 500)
        guard yes else {
            throw LoyaltyError(.missingArgument, "erasure is permanent: add --yes to erase \(reference.value)")
        }
        let result = try await runtime.withStore { store in
            try await store.eraseMember(reference, reason: text, actor: runtime.actor)
        }
        try runtime.output.record(
            [
                ("member", result.member), ("erased", Dates.text(result.erasedAt)),
                ("removed", result.removed.joined(separator: ", ")), ("closed now", result.closed ? "yes" : "no"),
                ("interactions blanked", String(result.interactions)), ("follow-ups blanked", String(result.followups)),
                ("send-list addresses removed", String(result.campaignAddresses)),
            ],
            json: result)
    }
}
