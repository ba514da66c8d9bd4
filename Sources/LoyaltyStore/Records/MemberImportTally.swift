/// What the reader of a member import file saw: the file's SHA-256, its rows (header excluded) and how many
/// of them it refused itself (they were not copied).
public struct MemberImportTally: Sendable, Hashable {
    public var sha256: [UInt8]
    public var rows: Int
    public var skippedRows: Int

    public init(sha256: [UInt8], rows: Int, skippedRows: Int) {
        self.sha256 = sha256
        self.rows = rows
        self.skippedRows = skippedRows
    }
}
