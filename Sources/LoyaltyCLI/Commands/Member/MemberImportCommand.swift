import ArgumentParser
import Foundation
import LoyaltyCore
import LoyaltyStore

/// `loyalty member import FILE.csv [--map field=Column,…] [--match email|phone|external-id] [--dry-run]
/// [--rejects FILE] [--quiet] [--no-update]`.
struct MemberImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Create and update members from a CSV file (docs/member-import.md).",
        discussion: """
            Columns are found by their header names (first_name, last_name, email, phone, birth_date, \
            address_line1, address_line2, postal_code, city, country, preferred_store, source_channel, \
            source_campaign, external_id, email_consent, sms_consent, tags; spaces, '-' and '_' and case do not \
            matter); --map names others. Each row matches an open member by --match (default email) and updates \
            the fields the file gives (empty cells keep the member's value), or creates a member. Bad rows, \
            duplicates in the file and values that belong to another member are refused and reported with their \
            line (the first 20 on standard error, all with --rejects); the rest is imported in one transaction. \
            --dry-run reports the same and changes nothing. Consent is recorded with source 'import'.
            """)
    @OptionGroup var options: GlobalOptions
    @Argument(help: "The CSV file, with a header line.") var file: String
    @Option(help: "Columns by header name: email=E-Mail,first-name=Vorname,…") var map: String?
    @Option(help: "Match rows to members by email (default), phone or external-id.") var match: String = "email"
    @Flag(name: .customLong("dry-run"), help: "Report what would be created, updated and refused; change nothing.")
    var dryRun = false
    @Option(help: "Write every refused row to this new CSV file (line,reason).") var rejects: String?
    @Flag(help: "No progress on standard error.") var quiet = false
    @Flag(name: .customLong("no-update"), help: "Only create members: refuse rows that match an existing one.")
    var noUpdate = false

    /// Problems printed on standard error; the rest are counted (all go to --rejects).
    static let problemsShown = 20

    func run() async throws {
        let runtime = try await CommandRuntime.make(options)
        let mapping = try MemberImportMapping(map: map)
        let key = try MemberImportKey(parsing: match)
        let attributes = try? FileManager.default.attributesOfItem(atPath: file)
        guard let size = attributes?[.size] as? Int else { throw LoyaltyError(.badArgument, "cannot read \(file)") }
        let rejectsFile = try rejects.map { try ExportSink(path: $0) }
        let path = file
        let region = runtime.settings.defaultRegion
        let progress = quiet ? nil : ImportProgress(totalBytes: size)
        let (update, dryRun) = (!noUpdate, self.dryRun)
        let result: MemberImportResult
        let skipped: [MemberImportProblem]
        do {
            (result, skipped) = try await runtime.withStore { store in
                var reader = CSVImportFile<MemberImportParser>(path: path, progress: progress)
                let result = try await store.importMembers(
                    file: (path as NSString).lastPathComponent, match: key, update: update, dryRun: dryRun, actor: runtime.actor
                ) { writer in
                    let read = try await reader.copy(
                        header: { try MemberImportParser(mapping: mapping, header: $0, key: key, defaultRegion: region) },
                        write: { try await writer.write($0) })
                    return MemberImportTally(sha256: read.sha256, rows: read.rows, skippedRows: reader.problems.count)
                }
                return (result, reader.problems)
            }
        } catch {
            rejectsFile?.discard()
            throw error
        }
        let problems = (skipped + result.problems).sorted { $0.line < $1.line }
        for problem in problems.prefix(Self.problemsShown) {
            runtime.output.warning("\(file): line \(problem.line): \(problem.reason)")
        }
        if problems.count > Self.problemsShown {
            runtime.output.warning("… and \(problems.count - Self.problemsShown) more\(rejects == nil ? " (list them all with --rejects FILE)" : "")")
        }
        if let rejectsFile {
            rejectsFile.write("line,reason")
            for problem in problems { rejectsFile.write("\(problem.line),\(CSV.escape(problem.reason))") }
            try rejectsFile.close()
        }
        var report = result
        report.problems = problems
        try runtime.output.record(
            [
                ("file", file), ("match", key.rawValue), ("dry run", dryRun ? "yes (nothing changed)" : "no"),
                ("rows", String(result.rows)), ("created", String(result.created)), ("updated", String(result.updated)),
                ("unchanged", String(result.unchanged)), ("refused", String(problems.count)),
            ],
            json: report)
    }
}
