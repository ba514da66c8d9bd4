import ArgumentParser
import LoyaltyCore
import LoyaltyStore

/// `loyalty interaction list MEMBER [--kind K] [--limit N]` or `interaction list --open [--owner NAME]`.
struct InteractionListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "A member's interactions (newest first), or with --open the unresolved cases of all members.",
        discussion: """
            With --open: complaints and service requests that are open or in progress, oldest first, \
            optionally only those of --owner.
            """)
    @OptionGroup var options: GlobalOptions
    @Argument(help: "Member number, phone or email (not with --open).") var member: String?
    @Option(help: "Only this kind (with a member).") var kind: String?
    @Flag(help: "Unresolved complaints and service requests of all members.") var open = false
    @Option(help: "Only cases owned by this person (with --open).") var owner: String?
    @Option(help: "At most this many (1-1000, default 50 for a member, 100 with --open).") var limit: Int?

    func run() async throws {
        let runtime = try await CommandRuntime.make(options)
        if let limit, !(1...1000).contains(limit) { throw LoyaltyError.badArgument("limit", "1...1000") }
        if open {
            guard member == nil else { throw LoyaltyError.badArgument("member", "not with --open (it lists every member's cases)") }
            guard kind == nil else { throw LoyaltyError.badArgument("kind", "not with --open") }
            let owner = try self.owner.map(InteractionCommand.owner)
            let cases = try await runtime.withStore { store in try await store.openCases(owner: owner, limit: limit ?? 100) }
            try runtime.printInteractions(cases)
            return
        }
        guard let member else { throw LoyaltyError.missingArgument("member (or --open)") }
        guard owner == nil else { throw LoyaltyError.badArgument("owner", "only with --open") }
        let reference = try runtime.memberReference(member)
        let kind = try self.kind.map { text throws(LoyaltyError) in try InteractionKind(parsing: text) }
        let interactions = try await runtime.withStore { store in
            try await store.interactions(of: reference, kind: kind, limit: limit ?? 50)
        }
        try runtime.printInteractions(interactions)
    }
}
