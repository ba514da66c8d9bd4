/// What the caller of ``LoyaltyStore/importPurchases(file:currency:createMembers:actor:copy:)`` read: the
/// file's fingerprint and how many data lines it held and skipped.
public struct PurchaseImportTally: Sendable, Hashable {
    /// SHA-256 of the file's bytes, kept with the import.
    public var sha256: [UInt8]
    public var lines: Int
    public var skippedLines: Int

    public init(sha256: [UInt8], lines: Int, skippedLines: Int) {
        self.sha256 = sha256
        self.lines = lines
        self.skippedLines = skippedLines
    }
}
