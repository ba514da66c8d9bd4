/// The life cycle of a member record.
public enum MemberStatus: String, Sendable, Hashable, Codable, CaseIterable {
    /// Earns and redeems normally.
    case active
    /// Temporarily blocked (suspected abuse, a dispute): no earning or redeeming until reactivated.
    case suspended
    /// Left the club. Kept for the ledger; email and phone become free for a new record.
    case closed
}
