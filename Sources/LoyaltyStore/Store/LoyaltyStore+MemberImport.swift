import Foundation
import LoyaltyCore
import NIOCore
import PostgresNIO

extension LoyaltyStore {
    /// Imports members in one transaction: `copy` streams the file's valid rows through the writer
    /// (PostgreSQL COPY into a temporary table) and returns what it read; then `loyalty_import_members`
    /// matches the rows by `match`, refuses duplicates and collisions, creates and updates members (with
    /// `update` false, matched rows are refused), records consent with source `import`, and audits the
    /// import. With `dryRun` it reports the same and writes nothing.
    public func importMembers(
        file: String, match: MemberImportKey, update: Bool, dryRun: Bool, actor: String,
        copy: (MemberImportWriter) async throws -> MemberImportTally
    ) async throws(LoyaltyError) -> MemberImportResult {
        try await run {
            try await client.withTransaction(logger: logger) { connection in
                try await connection.query(
                    """
                    create temporary table member_import_rows (
                        line int not null, first_name text, last_name text, email text, phone text, birth_date date,
                        address_line1 text, address_line2 text, postal_code text, city text, country text,
                        preferred_store text, source_channel text, source_campaign text, external_id text,
                        email_consent boolean, sms_consent boolean, tags text[]
                    ) on commit drop
                    """,
                    logger: logger)
                var tally = MemberImportTally(sha256: [], rows: 0, skippedRows: 0)
                try await connection.copyFrom(table: "member_import_rows", logger: logger) { copyWriter in
                    let writer = MemberImportWriter(copyWriter)
                    tally = try await copy(writer)
                    try await writer.flush()
                }
                let rows = try await connection.query(
                    """
                    select loyalty_import_members(\(actor), \(file), \(ByteBuffer(bytes: tally.sha256)), \(match.rawValue),
                                                  \(update), \(dryRun), \(tally.rows)::int, \(tally.skippedRows)::int)::text
                    """,
                    logger: logger)
                var summary = MemberImportSummary()
                for try await json in rows.decode(String.self) {
                    summary = try JSONDecoder().decode(MemberImportSummary.self, from: Data(json.utf8))
                }
                return MemberImportResult(
                    dryRun: dryRun, match: match, rows: tally.rows, skippedRows: tally.skippedRows, created: summary.created,
                    updated: summary.updated, unchanged: summary.unchanged, problems: summary.problems)
            }
        }
    }
}

/// The jsonb that loyalty_import_members returns.
private struct MemberImportSummary: Decodable {
    var created = 0
    var updated = 0
    var unchanged = 0
    var problems: [MemberImportProblem] = []
}
