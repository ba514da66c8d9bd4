import ArgumentParser
import LoyaltyCore
import LoyaltyStore

/// `loyalty events rebase`: makes an outbox restored from a dump into a new cluster readable again.
struct EventsRebaseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rebase",
        abstract: "After restoring a dump into a new cluster: make the restored events readable here.",
        discussion: """
            Readers' positions are PostgreSQL transaction ids, which belong to a cluster; a pg_dump restored \
            into a new one carries ids the new cluster has not reached, and tail and the webhooks refuse to \
            read until this is run (a CONFIGURATION error says so). It queues, for every subscription, the \
            events it had still to read, then marks every restored event as read by every reader. Run it \
            once, as the database owner, before starting the sender. Audited (events.rebase). See docs/events.md.
            """)
    @OptionGroup var options: GlobalOptions

    func run() async throws {
        let runtime = try await CommandRuntime.make(options)
        let queued = try await runtime.withStore { store in try await store.rebaseEvents(actor: runtime.actor) }
        try runtime.output.record([("deliveries queued", String(queued))], json: ["queued": queued])
    }
}
