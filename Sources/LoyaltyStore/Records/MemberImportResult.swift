import LoyaltyCore

/// The outcome of a member import (or of its dry run): rows read, members created, updated and left
/// unchanged, and the rows the merge refused with their reasons. Rows the reader refused are counted in
/// ``skippedRows``; their reasons stay with the reader.
public struct MemberImportResult: Sendable, Hashable, Codable {
    public var dryRun: Bool
    public var match: MemberImportKey
    public var rows: Int
    public var skippedRows: Int
    public var created: Int
    public var updated: Int
    public var unchanged: Int
    /// Rows the merge refused (duplicates, collisions, …), by line.
    public var problems: [MemberImportProblem]

    public init(
        dryRun: Bool, match: MemberImportKey, rows: Int, skippedRows: Int, created: Int, updated: Int, unchanged: Int,
        problems: [MemberImportProblem]
    ) {
        self.dryRun = dryRun
        self.match = match
        self.rows = rows
        self.skippedRows = skippedRows
        self.created = created
        self.updated = updated
        self.unchanged = unchanged
        self.problems = problems
    }

    enum CodingKeys: String, CodingKey {
        case dryRun = "dry_run", match, rows, skippedRows = "skipped_rows", created, updated, unchanged, problems
    }
}
