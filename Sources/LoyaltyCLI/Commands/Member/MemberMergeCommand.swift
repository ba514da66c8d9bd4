import ArgumentParser
import LoyaltyCore
import LoyaltyStore

/// `loyalty member merge KEEP OTHER --reason TEXT`: one person, two records; keeps the first.
struct MemberMergeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge", abstract: "Merge a duplicate member into the member to keep, in one transaction.",
        discussion: """
            OTHER's points are transferred to KEEP (pending points stay pending, expiring points keep their \
            date), and its purchases, gift-card links, interactions, follow-ups, campaign entries and tags move \
            to KEEP. KEEP's blank fields (email, phone, birth date, address, store, external id, source) are \
            filled from OTHER; the higher tier is kept. OTHER is closed, and its member number resolves to KEEP \
            from now on. A merge is final and audited.
            """)
    @OptionGroup var options: GlobalOptions
    @Argument(help: "The member to keep: number, phone or email.") var keep: String
    @Argument(help: "The duplicate to merge into it: number, phone or email.") var other: String
    @Option(help: "Why (audited; required).") var reason: String

    func run() async throws {
        let runtime = try await CommandRuntime.make(options)
        let keep = try runtime.memberReference(self.keep)
        let other = try runtime.memberReference(self.other)
        let reason = try FieldRules.requiredText(self.reason, field: "reason", maximumLength: 500)
        let result = try await runtime.withStore { store in
            try await store.mergeMembers(keep: keep, other: other, reason: reason, actor: runtime.actor)
        }
        try runtime.output.record(
            [
                ("kept", result.kept), ("merged", result.merged), ("points moved", String(result.points)),
                ("points now", String(result.balance)), ("purchases moved", String(result.purchases)),
                ("gift cards moved", String(result.giftCards)), ("interactions moved", String(result.interactions)),
                ("follow-ups moved", String(result.followups)), ("campaign entries moved", String(result.campaigns)),
                ("tier taken over", result.tier ? "yes" : "no"),
                ("fields filled", result.filled.isEmpty ? "none" : result.filled.joined(separator: ", ")),
            ],
            json: result)
    }
}
