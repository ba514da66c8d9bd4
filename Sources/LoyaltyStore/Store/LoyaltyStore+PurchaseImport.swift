import Foundation
import LoyaltyCore
import NIOCore
import PostgresNIO

extension LoyaltyStore {
    /// Imports past purchases in one transaction: `copy` streams the file's good lines through the writer
    /// (PostgreSQL COPY into a temporary table) and returns what it read; then `loyalty_import_purchases`
    /// groups the lines into receipts, creates unknown customers as members (with `createMembers`), and adds
    /// each receipt not imported before. The members' metrics are queued; refresh them afterwards.
    public func importPurchases(
        file: String, currency: Currency, createMembers: Bool, actor: String,
        copy: (PurchaseLineWriter) async throws -> PurchaseImportTally
    ) async throws(LoyaltyError) -> PurchaseImportResult {
        let zone = rules.timeZone
        return try await run {
            try await client.withTransaction(logger: logger) { connection in
                // COPY reads a time without an offset in the session's zone: the programme's, for this transaction.
                _ = try await connection.query("select set_config('TimeZone', \(zone), true)", logger: logger).collect()
                try await connection.query(
                    """
                    create temporary table purchase_import_lines (
                        line int not null, receipt text not null, customer text not null, purchased_at timestamptz not null,
                        amount numeric not null, store text, currency text
                    ) on commit drop
                    """,
                    logger: logger)
                var tally = PurchaseImportTally(sha256: [], lines: 0, skippedLines: 0)
                var currencies: Set<Currency> = [currency]
                try await connection.copyFrom(table: "purchase_import_lines", logger: logger) { copyWriter in
                    let writer = PurchaseLineWriter(copyWriter)
                    tally = try await copy(writer)
                    try await writer.flush()
                    currencies.formUnion(writer.currencies)
                }
                let digits = "{" + currencies.map { "\"\($0.code)\": \($0.minorUnitDigits)" }.sorted().joined(separator: ", ") + "}"
                let rows = try await connection.query(
                    """
                    select loyalty_import_purchases(\(actor), \(file), \(ByteBuffer(bytes: tally.sha256)), \(currency.code),
                                                    \(digits)::jsonb, \(createMembers), \(tally.lines)::int, \(tally.skippedLines)::int)::text
                    """,
                    logger: logger)
                var summary = ImportSummary()
                for try await json in rows.decode(String.self) {
                    summary = try JSONDecoder().decode(ImportSummary.self, from: Data(json.utf8))
                }
                return PurchaseImportResult(
                    importID: summary.importID, lines: tally.lines, skippedLines: tally.skippedLines,
                    receiptsRead: summary.receiptsRead, receipts: summary.receipts, returns: summary.returns,
                    alreadyImported: summary.alreadyImported, membersCreated: summary.membersCreated,
                    problems: summary.problems.map { .init(line: $0.line, reason: $0.reason) })
            }
        }
    }

    /// The past imports, newest first.
    public func purchaseImports(limit: Int) async throws(LoyaltyError) -> [PurchaseImportRecord] {
        try await run {
            let rows = try await client.query(
                """
                select id, file_name, encode(file_sha256, 'hex'), actor, imported_at, lines, skipped_lines, receipts, returns,
                       already_imported, members_created
                  from purchase_imports order by id desc limit \(limit)::int
                """,
                logger: logger)
            var records: [PurchaseImportRecord] = []
            for try await row in rows.decode((Int64, String, String, String, Date, Int, Int, Int, Int, Int, Int).self) {
                records.append(
                    PurchaseImportRecord(
                        id: row.0, file: row.1, sha256: row.2, actor: row.3, importedAt: row.4, lines: row.5, skippedLines: row.6,
                        receipts: row.7, returns: row.8, alreadyImported: row.9, membersCreated: row.10))
            }
            return records
        }
    }
}

/// The jsonb that loyalty_import_purchases returns.
private struct ImportSummary: Decodable {
    struct Problem: Decodable {
        var line: Int
        var reason: String
    }
    var importID: Int64 = 0
    var receipts = 0
    var returns = 0
    var alreadyImported = 0
    var membersCreated = 0
    var receiptsRead = 0
    var problems: [Problem] = []

    enum CodingKeys: String, CodingKey {
        case importID = "import", receipts, returns, problems
        case alreadyImported = "already_imported", membersCreated = "members_created", receiptsRead = "receipts_read"
    }
}
