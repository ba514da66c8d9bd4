import LoyaltyCore

/// One member of a grant: the voucher issued (its code, shown once) or why the member was skipped.
public struct GrantOutcome: Sendable, Hashable {
    public var member: String
    /// The voucher's code, nil when skipped.
    public var code: RedemptionCode?
    /// The voucher's last day, `YYYY-MM-DD`.
    public var expires: String?
    /// Why no voucher was issued (`no member with this member number`, `member is closed`).
    public var skipped: String?
}
