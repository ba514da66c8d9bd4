/// What a segment export wrote, and the members it left out by reason (`closed`, `suspended`,
/// `no consent`, `no address`).
public struct SegmentExportSummary: Sendable, Hashable, Codable {
    public var exported: Int64
    public var leftOut: [String: Int64]

    public init(exported: Int64, leftOut: [String: Int64]) {
        self.exported = exported
        self.leftOut = leftOut
    }
}
