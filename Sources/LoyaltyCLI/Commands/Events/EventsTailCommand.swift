import ArgumentParser
import Foundation
import LoyaltyCore
import LoyaltyStore

/// `loyalty events tail`: the outbox's events as JSON lines, one per event, oldest first; by default from
/// now on and following, like `tail -f`. Read-only, and not audited.
struct EventsTailCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tail",
        abstract: "Print business events as JSON lines, following new ones.",
        discussion: """
            Starts at the events committed from now on, or after event ID with --since ID (to resume: every \
            event the earlier run did not print comes, none twice), or at the first event with --from-start. \
            --type takes types or prefixes ending in a dot, comma-separated or repeated (points.,tier.changed). \
            An event appears once its transaction and every older one still running have finished, so a long \
            transaction (an import) holds the stream back; it never makes it skip an event. See docs/events.md.
            """)
    @OptionGroup var options: GlobalOptions
    @Option(help: "Start after this event id.") var since: Int64?
    @Flag(help: "Start at the first event.") var fromStart = false
    @Option(help: "Only these types or prefixes (points., member.enrolled); repeatable.") var type: [String] = []
    @Option(help: "Only this member's events (number, phone or email).") var member: String?
    @Flag(inversion: .prefixedNo, help: "Keep waiting for new events (--no-follow prints what there is and exits).")
    var follow = true
    @Option(help: "Seconds between reads while following (0.1-60).") var interval: Double = 1
    @Option(help: "Exit after this many events.") var limit: Int?

    func run() async throws {
        let (types, start) = try validated()
        let runtime = try await CommandRuntime.make(options)
        let member = try member.map { try runtime.memberReference($0) }
        let pause = Duration.milliseconds(Int64((interval * 1000).rounded()))
        let batchSize = 500
        try await runtime.withStore { store in
            var position: EventPosition
            switch start {
            case .after(let id): position = try await store.eventPosition(after: id)
            case .beginning: position = .start
            case .now: position = try await store.eventHorizon()
            }
            var printed = 0
            while true {
                let wanted = limit.map { min(batchSize, $0 - printed) } ?? batchSize
                let batch = try await store.events(after: position, types: types, member: member, limit: wanted)
                if !batch.lines.isEmpty {
                    FileHandle.standardOutput.write(Data((batch.lines.joined(separator: "\n") + "\n").utf8))
                }
                printed += batch.lines.count
                position = batch.next
                if let limit, printed >= limit { return }
                if batch.caughtUp {
                    guard follow else { return }
                    try await Task.sleep(for: pause)
                }
            }
        }
    }

    enum Start { case now, beginning, after(Int64) }

    /// The options, checked before anything is opened.
    func validated() throws(LoyaltyError) -> (types: [String]?, start: Start) {
        guard interval >= 0.1, interval <= 60, interval.isFinite else {
            throw .badArgument("interval", "0.1 to 60 seconds, got \(interval)")
        }
        if let limit, !(1...1_000_000).contains(limit) { throw .badArgument("limit", "must be 1 to 1000000, got \(limit)") }
        if let since, since < 0 { throw .badArgument("since", "an event id, got \(since)") }
        let start: Start
        switch (since, fromStart) {
        case (.some, true): throw .badArgument("since", "give --since or --from-start, not both")
        case (.some(let id), false): start = .after(id)
        case (nil, true): start = .beginning
        case (nil, false):
            guard follow else { throw .badArgument("no-follow", "needs --since or --from-start: from now on there is nothing yet") }
            start = .now
        }
        var types: [String] = []
        for text in type {
            for name in try EventType.filter(parsing: text) where !types.contains(name) { types.append(name) }
        }
        return (types.isEmpty ? nil : types, start)
    }
}
