import ArgumentParser
import LoyaltyCore
import LoyaltyStore

/// `loyalty interaction add MEMBER --kind K --channel C --summary TEXT [--body TEXT] [--owner NAME] [--at TIME]`.
struct InteractionAddCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add", abstract: "Record an interaction with a member (the author is --actor).",
        discussion: """
            Complaints and service requests start open, owned by --owner or the author. Closed members \
            cannot get new interactions. Audited as interaction.add (field names, never the text).
            """)
    @OptionGroup var options: GlobalOptions
    @Argument(help: "Member number, phone or email.") var member: String
    @Option(help: "note, call, email, visit, complaint or service-request.") var kind: String
    @Option(help: "phone, email, sms, store, web, chat, social, mail or other.") var channel: String
    @Option(help: "One line, 1 to 200 characters.") var summary: String
    @Option(help: "Free text, up to 10,000 characters.") var body: String?
    @Option(help: "Owner of a complaint or service request (default: the author).") var owner: String?
    @Option(help: "When it happened, ISO 8601 with a zone (default: now; not in the future).") var at: String?

    func run() async throws {
        let runtime = try await CommandRuntime.make(options)
        let reference = try runtime.memberReference(member)
        let kind = try InteractionKind(parsing: self.kind)
        let interaction = NewInteraction(
            kind: kind, channel: try InteractionChannel(parsing: self.channel),
            summary: try FieldRules.requiredText(summary, field: "summary", maximumLength: 200),
            body: try body.map { try FieldRules.multilineText($0, field: "body", maximumLength: 10_000) },
            owner: try owner.map(InteractionCommand.owner),
            occurredAt: try at.map { try InteractionCommand.time($0, argument: "at") })
        if interaction.owner != nil, !kind.isCase {
            throw LoyaltyError.badArgument("owner", "only complaints and service requests have an owner")
        }
        let record = try await runtime.withStore { store in
            try await store.addInteraction(reference, interaction, actor: runtime.actor)
        }
        try runtime.printInteraction(record)
    }
}
