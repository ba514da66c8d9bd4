import ArgumentParser
import Foundation
import LoyaltyCore
import LoyaltyStore

extension TierCommand {
    /// `loyalty tier set MEMBER TIER --reason TEXT [--until DATE]`.
    struct Assign: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set",
            abstract: "Put a member in a tier by hand. A reason is required and audited.",
            discussion: """
                The change is kept in the member's tier history as 'manual', with the reason as its note; \
                --until records the last day the manual tier is meant to hold.
                """)
        @OptionGroup var options: GlobalOptions
        @Argument(help: "Member number, phone or email.") var member: String
        @Argument(help: "Tier code.") var tier: String
        @Option(help: "Why (required; kept in the tier history and the audit log).") var reason: String?
        @Option(help: "Last day of the manual tier, YYYY-MM-DD (in the future).") var until: String?

        func run() async throws {
            let runtime = try await CommandRuntime.make(options)
            let reference = try runtime.memberReference(member)
            let tier = try TierCode(parsing: self.tier)
            guard let reason else { throw LoyaltyError.missingArgument("--reason") }
            let text = try FieldRules.requiredText(reason, field: "reason", maximumLength: 500)
            let until = try self.until.map { try CalendarDate(parsing: $0, argument: "until") }
            let result = try await runtime.withStore { store in
                try await store.setMemberTier(reference, tier: tier, reason: text, until: until, actor: runtime.actor)
            }
            try runtime.output.record(
                [("member", result.member), ("tier", result.tier), ("reason", text), ("until", until?.description ?? "")],
                json: TierAssignmentJSON(member: result.member, tier: result.tier, reason: text, until: until))
        }
    }

    /// `loyalty tier history MEMBER`.
    struct History: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A member's tier changes, newest first.")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "Member number, phone or email.") var member: String

        func run() async throws {
            let runtime = try await CommandRuntime.make(options)
            let reference = try runtime.memberReference(member)
            let changes = try await runtime.withStore { store in try await store.tierHistory(reference) }
            try runtime.output.list(
                columns: ["at", "from", "to", "reason", "note", "actor", "entry"],
                rows: changes.map {
                    [Dates.text($0.at), $0.from ?? "", $0.to, $0.reason, $0.note ?? "", $0.actor ?? "", $0.entry.map(String.init) ?? ""]
                },
                json: changes)
        }
    }
}

/// What `tier set` prints in JSON.
struct TierAssignmentJSON: Encodable {
    let member: String
    let tier: String
    let reason: String
    let until: CalendarDate?
}
