/// `report sources`: per acquisition source, then the members without one; revenue in ``currency``.
public struct SourceReport: Sendable, Hashable, Codable {
    public var currency: String
    public var sources: [SourceReportRow]

    public init(currency: String, sources: [SourceReportRow]) {
        self.currency = currency
        self.sources = sources
    }
}
