import ArgumentParser
import LoyaltyCore
import LoyaltyStore

/// `loyalty purchase imports [--limit N]`: past imports, newest first.
struct PurchaseImportsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "imports", abstract: "List past purchase imports, newest first.")
    @OptionGroup var options: GlobalOptions
    @Option(help: "How many (default 20, at most 1000).") var limit: Int = 20

    func run() async throws {
        let runtime = try await CommandRuntime.make(options)
        guard (1...1000).contains(limit) else { throw LoyaltyError.badArgument("limit", "must be 1...1000") }
        let limit = self.limit
        let imports = try await runtime.withStore { store in try await store.purchaseImports(limit: limit) }
        try runtime.output.list(
            columns: ["import", "at", "file", "by", "lines", "skipped", "receipts", "returns", "already", "new members"],
            rows: imports.map {
                [
                    String($0.id), Dates.text($0.importedAt), $0.file, $0.actor, String($0.lines), String($0.skippedLines), String($0.receipts),
                    String($0.returns), String($0.alreadyImported), String($0.membersCreated),
                ]
            },
            json: imports)
    }
}
