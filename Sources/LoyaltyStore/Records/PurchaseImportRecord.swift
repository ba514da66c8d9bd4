import Foundation

/// One past `purchase import`, as `purchase imports` lists it.
public struct PurchaseImportRecord: Sendable, Hashable, Codable {
    public var id: Int64
    public var file: String
    /// SHA-256 of the file, hex.
    public var sha256: String
    public var actor: String
    public var importedAt: Date
    public var lines: Int
    public var skippedLines: Int
    public var receipts: Int
    public var returns: Int
    public var alreadyImported: Int
    public var membersCreated: Int

    public init(
        id: Int64, file: String, sha256: String, actor: String, importedAt: Date, lines: Int, skippedLines: Int, receipts: Int,
        returns: Int, alreadyImported: Int, membersCreated: Int
    ) {
        self.id = id
        self.file = file
        self.sha256 = sha256
        self.actor = actor
        self.importedAt = importedAt
        self.lines = lines
        self.skippedLines = skippedLines
        self.receipts = receipts
        self.returns = returns
        self.alreadyImported = alreadyImported
        self.membersCreated = membersCreated
    }
}
