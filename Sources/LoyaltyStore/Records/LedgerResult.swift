/// The outcome of a ledger call (EARN, REDEEM, REVERSE, adjust) as the database stored it; a retry of
/// the same terminal request gets exactly this back.
public struct LedgerResult: Sendable, Hashable, Codable {
    /// The member number.
    public var member: String
    /// The member's balance after the call.
    public var points: Int64
    /// The ledger entry written.
    public var entry: Int64?
    public var earned: Int64?
    public var redeemed: Int64?
    public var reversed: Int64?
    public var shortfall: Int64?
    public var adjusted: Int64?
    /// Points of the balance still inside their return window, after the call.
    public var pending: Int64?
    /// For an earn whose points are pending: the programme-local day they become spendable.
    public var availableOn: String?
    /// For a purchase: the base points, the tier bonus and each promotion's bonus, which add up to
    /// `earned`; for the reversal of one, what it took back of each.
    public var base: Int64?
    public var tierBonus: Int64?
    public var promotions: [PromotionAward]?
    /// The member's tier after the call, the next one up and the qualifying points still needed for it
    /// (absent when the programme has no tiers).
    public var tier: String?
    public var nextTier: String?
    public var toNext: Int64?
    /// True when this is the stored result of an earlier call with the same request id.
    public var replayed: Bool?
}

/// The outcome of ENROLL / `member add`.
public struct EnrollResult: Sendable, Hashable, Codable {
    public var member: String
    public var status: String
    public var points: Int64
    public var replayed: Bool?
}
