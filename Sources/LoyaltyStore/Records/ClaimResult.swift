import LoyaltyCore

/// The outcome of a claim: the voucher's code (shown once; the database keeps only its hash), the
/// reward, the points spent and the member's balance afterwards. A retry of the same till request gets
/// the same result, code included.
public struct ClaimResult: Sendable, Hashable {
    public var code: RedemptionCode
    public var member: String
    public var reward: String
    public var name: String
    public var spent: Int64
    /// The member's balance after the claim.
    public var points: Int64
    /// The `redeem` ledger entry that spent the points.
    public var entry: Int64
    /// The voucher's last day, `YYYY-MM-DD`.
    public var expires: String
    /// True when this is the stored result of an earlier call with the same request id.
    public var replayed: Bool

    /// The result as the claim function stores it (no code).
    struct Stored: Decodable {
        var member: String
        var reward: String
        var name: String
        var spent: Int64
        var points: Int64
        var entry: Int64
        var last4: String
        var expires: String
        var replayed: Bool?
    }
}
