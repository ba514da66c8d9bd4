import ArgumentParser
import LoyaltyCore
import LoyaltyStore

/// `loyalty followup add|list|done`: follow-up tasks with a due day and an owner (docs/interactions.md).
struct FollowUpCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "followup", abstract: "Follow-up tasks: due day, owner, done once.",
        subcommands: [FollowUpAddCommand.self, FollowUpListCommand.self, FollowUpDoneCommand.self])
}

extension CommandRuntime {
    /// One follow-up as a record.
    func printFollowUp(_ followUp: FollowUpRecord) throws {
        try output.record(
            [
                ("followup", String(followUp.id)), ("member", followUp.member), ("due", Self.dueText(followUp)),
                ("owner", followUp.owner), ("title", followUp.title), ("interaction", followUp.interaction.map(String.init) ?? ""),
                ("created by", followUp.createdBy), ("created", Dates.text(followUp.createdAt)),
                ("done", Self.doneText(followUp) ?? "no"),
            ],
            json: followUp)
    }

    /// When and by whom it was done, or nil while it is open.
    static func doneText(_ followUp: FollowUpRecord) -> String? {
        followUp.doneAt.map { "\(Dates.text($0)) by \(followUp.doneBy ?? "")" }
    }

    /// The due day, flagged when it is overdue.
    static func dueText(_ followUp: FollowUpRecord) -> String {
        followUp.dueOn + (followUp.overdue ? " (overdue)" : "")
    }
}
