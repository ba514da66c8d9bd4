import ArgumentParser
import LoyaltyCore
import LoyaltyStore

/// `loyalty member export-data MEMBER [--out FILE]`: everything held about one member, as JSON.
struct MemberExportDataCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export-data", abstract: "Everything held about one member, as one JSON document (audited).",
        discussion: """
            Profile, consent history, points and every ledger entry, tier and tier history, purchases and \
            their metrics, vouchers and gift cards (last four characters only), interactions, follow-ups, \
            campaign send-list entries and the audit rows about the member. The document is JSON whatever \
            --format says; with --out it goes to a new file (mode 0600) and --format applies to the summary. \
            Schema: docs/privacy.md.
            """)
    @OptionGroup var options: GlobalOptions
    @Argument(help: "Member number, phone or email.") var member: String
    @Option(help: "Write the document to this new file (refused if it exists), mode 0600.") var out: String?

    func run() async throws {
        let runtime = try await CommandRuntime.make(options)
        let reference = try runtime.memberReference(member)
        let file = try out.map { path throws(LoyaltyError) in try PrivateFile.create(path) }
        let document: String
        do {
            document = try await runtime.withStore { store in try await store.exportMemberData(reference, actor: runtime.actor) }
        } catch {
            file?.discard()
            throw error
        }
        guard let file else {
            runtime.output.write(document)
            return
        }
        try file.write(document + "\n")
        try runtime.output.record(
            [("member", reference.value), ("file", file.path), ("bytes", String(document.utf8.count + 1))],
            json: ["member": reference.value, "file": file.path])
    }
}
