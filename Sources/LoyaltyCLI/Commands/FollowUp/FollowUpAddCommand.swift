import ArgumentParser
import LoyaltyCore
import LoyaltyStore

/// `loyalty followup add MEMBER --due YYYY-MM-DD|today|tomorrow|+Nd --owner NAME --title TEXT [--interaction ID]`.
struct FollowUpAddCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add", abstract: "Add a follow-up task for a member.",
        discussion: """
            The due day is a day in the programme's time zone, today or later. --interaction names an \
            interaction of the same member. Audited as followup.add.
            """)
    @OptionGroup var options: GlobalOptions
    @Argument(help: "Member number, phone or email.") var member: String
    @Option(help: "YYYY-MM-DD, today, tomorrow or +Nd.") var due: String
    @Option(help: "Who is to do it.") var owner: String
    @Option(help: "What to do, 1 to 200 characters.") var title: String
    @Option(help: "The interaction it follows up.") var interaction: String?

    func run() async throws {
        let runtime = try await CommandRuntime.make(options)
        let reference = try runtime.memberReference(member)
        let due = try DueDate(parsing: self.due)
        let owner = try InteractionCommand.owner(self.owner)
        let title = try FieldRules.requiredText(self.title, field: "title", maximumLength: 200)
        let interaction = try self.interaction.map { text throws(LoyaltyError) in try InteractionCommand.id(text, argument: "interaction") }
        let record = try await runtime.withStore { store in
            try await store.addFollowUp(reference, due: due, owner: owner, title: title, interaction: interaction, actor: runtime.actor)
        }
        try runtime.printFollowUp(record)
    }
}
