/// What `purchase import` did: receipts added, skipped as already imported, refused, and members created.
public struct PurchaseImportResult: Sendable, Hashable, Codable {
    /// The `purchase_imports` record.
    public var importID: Int64
    /// Data lines read from the file, and those skipped because they could not be read (reported by the caller).
    public var lines: Int
    public var skippedLines: Int
    /// Receipts (lines grouped by receipt number) found in the file's good lines.
    public var receiptsRead: Int
    /// Receipts added as purchases, of which returns (a negative sum).
    public var receipts: Int
    public var returns: Int
    /// Receipts an earlier import already added.
    public var alreadyImported: Int
    public var membersCreated: Int
    /// Receipts refused as a whole, by the line they start on.
    public var problems: [Problem]

    /// A receipt that was not imported, and why.
    public struct Problem: Sendable, Hashable, Codable {
        public var line: Int
        public var reason: String

        public init(line: Int, reason: String) {
            self.line = line
            self.reason = reason
        }
    }

    public init(
        importID: Int64, lines: Int, skippedLines: Int, receiptsRead: Int, receipts: Int, returns: Int, alreadyImported: Int,
        membersCreated: Int, problems: [Problem]
    ) {
        self.importID = importID
        self.lines = lines
        self.skippedLines = skippedLines
        self.receiptsRead = receiptsRead
        self.receipts = receipts
        self.returns = returns
        self.alreadyImported = alreadyImported
        self.membersCreated = membersCreated
        self.problems = problems
    }
}
