import Foundation

/// A tier as stored.
public struct TierRecord: Sendable, Hashable, Codable {
    public var code: String
    public var name: String
    public var rank: Int
    public var threshold: Int64
    /// Earn multiplier in percent (150 = 1.5 ×).
    public var multiplierPercent: Int
    public var benefits: String
    public var createdAt: Date
    public var updatedAt: Date
}
