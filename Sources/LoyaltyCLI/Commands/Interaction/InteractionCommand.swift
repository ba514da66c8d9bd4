import ArgumentParser
import Foundation
import LoyaltyCore
import LoyaltyStore

/// `loyalty interaction add|list|show|update`: a member's interaction history (docs/interactions.md).
struct InteractionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "interaction", abstract: "Members' interactions: notes, calls, emails, visits, complaints, service requests.",
        subcommands: [InteractionAddCommand.self, InteractionListCommand.self, InteractionShowCommand.self, InteractionUpdateCommand.self])

    /// An interaction id as typed: a positive whole number.
    static func id(_ text: String, argument: String = "id") throws(LoyaltyError) -> Int64 {
        guard !text.isEmpty, text.utf8.count <= 18, text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
            let id = Int64(text), id > 0
        else {
            throw .badArgument(argument, "a positive whole number expected, got '\(text.prefix(20))'")
        }
        return id
    }

    /// A time as ISO 8601 with a zone (`2026-11-23T10:00:00Z`, `2026-11-23T11:00:00+01:00`).
    static func time(_ text: String, argument: String) throws(LoyaltyError) -> Date {
        let formatter = ISO8601DateFormatter()
        guard let date = formatter.date(from: text) else {
            throw .badArgument(argument, "a time such as 2026-11-23T10:00:00Z expected, got '\(text.prefix(30))'")
        }
        return date
    }

    /// A person's name as an owner: 1 to 100 characters.
    static func owner(_ text: String) throws(LoyaltyError) -> String {
        try FieldRules.requiredText(text, field: "owner", maximumLength: 100)
    }
}

extension CommandRuntime {
    /// One interaction as a record (its text included).
    func printInteraction(_ interaction: InteractionRecord) throws {
        var fields: [(String, String)] = [
            ("interaction", String(interaction.id)), ("member", interaction.member), ("kind", interaction.kind.rawValue),
            ("channel", interaction.channel.rawValue), ("author", interaction.author), ("at", Dates.text(interaction.occurredAt)),
            ("summary", interaction.summary),
        ]
        if let status = interaction.status {
            fields += [("status", status.rawValue), ("owner", interaction.owner ?? ""),
                       ("resolved", interaction.resolvedAt.map(Dates.text) ?? "")]
        }
        fields += [("body", interaction.body), ("updated", Dates.text(interaction.updatedAt))]
        try output.record(fields, json: interaction)
    }

    /// Interactions as a list (the summary, not the body).
    func printInteractions(_ interactions: [InteractionRecord]) throws {
        try output.list(
            columns: ["id", "at", "member", "kind", "channel", "author", "status", "owner", "summary"],
            rows: interactions.map {
                [String($0.id), Dates.text($0.occurredAt), $0.member, $0.kind.rawValue, $0.channel.rawValue, $0.author,
                 $0.status?.rawValue ?? "", $0.owner ?? "", $0.summary]
            },
            json: interactions)
    }
}
