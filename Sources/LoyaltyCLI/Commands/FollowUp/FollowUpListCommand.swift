import ArgumentParser
import LoyaltyCore
import LoyaltyStore

/// `loyalty followup list [--due today|overdue|week|all] [--owner NAME] [--member M] [--done]`.
struct FollowUpListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "Open follow-ups due today or earlier (what to do now), or as chosen.",
        discussion: """
            --due today (the default): due today or earlier; overdue: before today; week: within the next \
            7 days or earlier; all: any day. Overdue ones are flagged. --done lists done ones instead \
            (most recently done first; any due day unless --due is given).
            """)
    @OptionGroup var options: GlobalOptions
    @Option(help: "today, overdue, week or all.") var due: String?
    @Option(help: "Only this owner's.") var owner: String?
    @Option(help: "Only this member's (number, phone or email).") var member: String?
    @Flag(help: "Done follow-ups instead of open ones.") var done = false
    @Option(help: "At most this many (1-1000).") var limit = 100

    func run() async throws {
        let runtime = try await CommandRuntime.make(options)
        guard (1...1000).contains(limit) else { throw LoyaltyError.badArgument("limit", "1...1000") }
        let window = try due.map { text throws(LoyaltyError) in try FollowUpWindow(parsing: text) } ?? (done ? .all : .today)
        let query = FollowUpQuery(
            window: window, owner: try owner.map(InteractionCommand.owner), member: try member.map(runtime.memberReference),
            done: done, limit: limit)
        let list = try await runtime.withStore { store in try await store.followUps(query) }
        try runtime.output.list(
            columns: ["id", "due", "member", "owner", "title", "interaction", "done"],
            rows: list.map {
                [String($0.id), CommandRuntime.dueText($0), $0.member, $0.owner, $0.title, $0.interaction.map(String.init) ?? "",
                 CommandRuntime.doneText($0) ?? ""]
            },
            json: list)
    }
}
