import Foundation

/// A promotion as stored, with what it has given so far.
public struct PromotionRecord: Sendable, Hashable, Codable {
    public var code: String
    public var name: String
    /// First and last day, `YYYY-MM-DD`, in the programme's time zone.
    public var startsOn: String
    public var endsOn: String
    /// Store codes; `nil` for every store.
    public var stores: [String]?
    /// `any`, `first-purchase` or `birthday-month`.
    public var condition: String
    /// A multiplier in percent (200 doubles the base points), or a fixed bonus.
    public var multiplierPercent: Int?
    public var bonusPoints: Int64?
    public var minSpendMinor: Int64?
    public var minSpendCurrency: String?
    public var limitPerMember: Int?
    /// `active` or `ended`.
    public var status: String
    /// Purchases it rewarded, and the points it gave net of reversals.
    public var awards: Int64
    public var pointsAwarded: Int64
    public var createdAt: Date
    public var updatedAt: Date

    enum CodingKeys: String, CodingKey {
        case code, name, startsOn = "starts_on", endsOn = "ends_on", stores, condition
        case multiplierPercent = "multiplier_percent", bonusPoints = "bonus_points", minSpendMinor = "min_spend_minor"
        case minSpendCurrency = "min_spend_currency", limitPerMember = "limit_per_member", status, awards
        case pointsAwarded = "points_awarded", createdAt = "created_at", updatedAt = "updated_at"
    }
}
