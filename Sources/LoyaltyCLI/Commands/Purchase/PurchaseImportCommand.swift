import ArgumentParser
import Foundation
import LoyaltyCore
import LoyaltyStore

/// `loyalty purchase import FILE.csv [--preset P] [--map M] [--date-format F] [--currency C] [--no-create-members]
/// [--rejects FILE] [--quiet]`.
struct PurchaseImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Import past purchases from a CSV file (one row per receipt line).",
        discussion: """
            Rows are grouped into receipts: one purchase per receipt number (and store), at the time of its first \
            row, for the sum of its rows (amount, or quantity × unit price), rounded to the currency's minor units; \
            a receipt whose sum is negative is a return. Customers are matched by external id and created as \
            members when unknown (unless --no-create-members). Rows that cannot be read are skipped and reported \
            with their line number; receipts already imported are not added again, so re-importing a file is \
            harmless. Imported purchases earn no points. The file goes to PostgreSQL with COPY, in one \
            transaction. Columns: docs/purchases.md (--preset uci-online-retail reads the UCI Online Retail export).
            """)
    @OptionGroup var options: GlobalOptions
    @Argument(help: "The CSV file, with a header line.") var file: String
    @Option(help: "Column preset: standard (default) or uci-online-retail.") var preset: String?
    @Option(help: "Columns by header name, overriding the preset: receipt=InvoiceNo,customer=CustomerID,…") var map: String?
    @Option(name: .customLong("date-format"), help: "iso, m/d/y or d/m/y (default: the preset's).") var dateFormat: String?
    @Option(help: "Currency of amounts without a currency column (default: tracker.currency).") var currency: String?
    @Flag(name: .customLong("no-create-members"), help: "Refuse receipts of customers who are not members yet.")
    var noCreateMembers = false
    @Option(help: "Write every skipped line and refused receipt to this new CSV file (line,reason).") var rejects: String?
    @Flag(help: "No progress on standard error.") var quiet = false

    /// Problems printed on standard error; the rest are counted (all go to --rejects).
    static let problemsShown = 20

    func run() async throws {
        let runtime = try await CommandRuntime.make(options)
        var chosen = try PurchaseImportMapping(preset: try preset.map { try PurchaseImportPreset(parsing: $0) } ?? .standard, map: map)
        if let dateFormat { chosen.dateFormat = try ImportDateFormat(parsing: dateFormat) }
        let mapping = chosen
        let currency = try currency.map { try Currency(code: $0.uppercased()) } ?? runtime.settings.trackerRules.currency
        let trackerCurrency = runtime.settings.trackerRules.currency
        if currency != trackerCurrency {
            runtime.output.warning(
                "Amounts in \(currency.code) count as visits but not as spend: the tracker's currency (tracker.currency) is \(trackerCurrency.code).")
        }
        if let rejects, FileManager.default.fileExists(atPath: rejects) {
            throw LoyaltyError(.badArgument, "\(rejects) exists; rejects go to a new file only")
        }
        let attributes = try? FileManager.default.attributesOfItem(atPath: file)
        guard let size = attributes?[.size] as? Int else { throw LoyaltyError(.badArgument, "cannot read \(file)") }
        let path = file
        let createMembers = !noCreateMembers
        let progress = quiet ? nil : ImportProgress(totalBytes: size)
        let (result, skipped, refreshed) = try await runtime.withStore { store in
            var reader = CSVImportFile<PurchaseLineParser>(path: path, progress: progress)
            let result = try await store.importPurchases(
                file: (path as NSString).lastPathComponent, currency: currency, createMembers: createMembers, actor: runtime.actor
            ) { writer in
                let read = try await reader.copy(
                    header: { try PurchaseLineParser(mapping: mapping, header: $0) }, write: { try await writer.write($0) })
                return PurchaseImportTally(sha256: read.sha256, lines: read.rows, skippedLines: reader.problems.count)
            }
            let refreshed = try await store.refreshPurchaseMetrics()
            return (result, reader.problems, refreshed)
        }
        let problems = skipped.map { (line: $0.line, reason: $0.reason) } + result.problems.map { (line: $0.line, reason: $0.reason) }
        for problem in problems.prefix(Self.problemsShown) {
            runtime.output.warning("\(file): line \(problem.line): \(problem.reason)")
        }
        if problems.count > Self.problemsShown {
            runtime.output.warning("… and \(problems.count - Self.problemsShown) more\(rejects == nil ? " (list them all with --rejects FILE)" : "")")
        }
        if let rejects { try Self.writeRejects(problems, to: rejects) }
        try runtime.output.record(
            [
                ("import", String(result.importID)), ("file", file), ("lines", String(result.lines)),
                ("skipped lines", String(result.skippedLines)), ("receipts in file", String(result.receiptsRead)),
                ("receipts added", String(result.receipts)), ("of which returns", String(result.returns)),
                ("already imported", String(result.alreadyImported)), ("receipts refused", String(result.problems.count)),
                ("members created", String(result.membersCreated)), ("metrics refreshed", String(refreshed)),
            ],
            json: result)
    }

    /// `line,reason` rows, sorted by line, in a new file.
    static func writeRejects(_ problems: [(line: Int, reason: String)], to path: String) throws {
        var text = "line,reason\n"
        for problem in problems.sorted(by: { $0.line < $1.line }) {
            text += "\(problem.line),\(CSV.escape(problem.reason))\n"
        }
        guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8)) else {
            throw LoyaltyError(.badArgument, "cannot write \(path)")
        }
    }
}
