import ArgumentParser
import Foundation
import LoyaltyCore
import LoyaltyStore

/// `loyalty audit list`: the newest entries of the audit log, filtered. Read-only, and not itself audited.
struct AuditListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List audit log entries, newest first.",
        discussion: """
            --since and --until take a day (YYYY-MM-DD, in programme.time-zone; --until includes the whole \
            day) or a timestamp with its offset (2026-11-23T10:00:00Z). --action matches the action and the \
            actions under it: terminal matches terminal.add and terminal.rotate.finish. --actor NAME lists \
            only NAME's entries (the common option: this command writes nothing, so it names whom to look \
            for; LOYALTY_ACTOR is not a filter).
            """)
    @OptionGroup var options: GlobalOptions
    @Option(help: "Entries from this day or timestamp on.") var since: String?
    @Option(help: "Entries up to this day (inclusive) or timestamp.") var until: String?
    @Option(help: "Only this action and the actions under it (terminal, terminal.rotate, …).") var action: String?
    @Option(help: "Only this subject (a member number, a terminal name, …).") var subject: String?
    @Option(help: "At most this many entries (1-10000).") var limit: Int = 100

    func run() async throws {
        let query = try self.query()
        let runtime = try await CommandRuntime.make(options)
        let entries = try await runtime.withStore { db in try await db.auditEntries(query) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        try runtime.output.list(
            columns: ["at", "actor", "action", "subject", "details"],
            rows: try entries.map { entry in
                [
                    Dates.text(entry.at), entry.actor, entry.action, entry.subject ?? "",
                    String(decoding: try encoder.encode(entry.details), as: UTF8.self),
                ]
            },
            json: entries)
    }

    /// The filters, validated before anything is opened.
    func query() throws(LoyaltyError) -> AuditQuery {
        let actor = options.actor
        guard (1...10_000).contains(limit) else { throw .badArgument("limit", "must be 1 to 10000, got \(limit)") }
        if let action, action.isEmpty || action.count > 100
            || !action.unicodeScalars.allSatisfy({ CharacterSet.lowercaseLetters.union(.decimalDigits).contains($0) || "._-".unicodeScalars.contains($0) })
        {
            throw .badArgument("action", "lower-case letters, digits and . _ -, e.g. terminal.rotate")
        }
        for (name, value) in [("actor", actor), ("subject", subject)] {
            if let value, value.isEmpty || value.count > 200 { throw .badArgument(name, "1 to 200 characters") }
        }
        let query = AuditQuery(
            since: try since.map { text throws(LoyaltyError) in try Self.bound(text, argument: "since") },
            until: try until.map { text throws(LoyaltyError) in try Self.bound(text, argument: "until") },
            actor: actor, action: action, subject: subject, limit: limit)
        return query
    }

    /// A day (`YYYY-MM-DD`) or an ISO 8601 timestamp with an offset.
    static func bound(_ text: String, argument: String) throws(LoyaltyError) -> AuditQuery.Bound {
        if text.count == 10, let day = try? CalendarDate(parsing: text, argument: argument) { return .day(day) }
        guard let instant = try? Date(text, strategy: .iso8601) else {
            throw .badArgument(argument, "a day YYYY-MM-DD or a timestamp like 2026-11-23T10:00:00Z, got '\(text)'")
        }
        return .instant(instant)
    }
}
