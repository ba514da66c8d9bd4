import Foundation

/// A reward as stored, with how many vouchers were issued for it and how many of those were used.
public struct RewardRecord: Sendable, Hashable, Codable {
    public var code: String
    public var name: String
    /// Points a claim spends.
    public var cost: Int64
    /// Vouchers that may still be issued; nil for no limit.
    public var stock: Int64?
    /// First and last day it can be claimed (`YYYY-MM-DD`, inclusive); nil for no limit.
    public var validFrom: String?
    public var validUntil: String?
    /// The code of the lowest tier that may claim it; nil for everyone.
    public var minimumTier: String?
    /// `active` or `retired`.
    public var status: String
    /// Vouchers issued (claimed or granted) and used.
    public var issued: Int64
    public var used: Int64
    public var createdAt: Date
    public var updatedAt: Date
    public var retiredAt: Date?

    enum CodingKeys: String, CodingKey {
        case code, name, cost, stock, validFrom = "valid_from", validUntil = "valid_until", minimumTier = "min_tier", status
        case issued, used, createdAt = "created_at", updatedAt = "updated_at", retiredAt = "retired_at"
    }
}
