import Foundation

/// `loyalty report rfm`: the RFM grid and the named segments, as last scored.
public struct RFMReport: Sendable, Hashable, Codable {
    /// The currency of the spend figures (`tracker.currency`).
    public var currency: String
    /// When the scores were computed (by `jobs run purchases` or `purchase rfm`); nil: never.
    public var scoredAt: Date?
    /// Members with scores.
    public var population: Int64
    /// Only the cells that hold members; recency-major order.
    public var cells: [RFMCell]
    /// In the order of docs/purchases.md (champions first, lost last); only segments with members.
    public var segments: [RFMSegmentCount]

    public init(currency: String, scoredAt: Date?, population: Int64, cells: [RFMCell], segments: [RFMSegmentCount]) {
        self.currency = currency
        self.scoredAt = scoredAt
        self.population = population
        self.cells = cells
        self.segments = segments
    }
}
