import ArgumentParser

/// `loyalty events …`: the business events of the outbox (docs/events.md).
struct EventsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events", abstract: "The business events the club records (the outbox).",
        subcommands: [EventsTailCommand.self, EventsRebaseCommand.self])
}
