/// When earned points become spendable and when they expire (docs/programme.md).
public struct PointRules: Sendable, Hashable {
    /// Points of a purchase stay pending (in the balance, not spendable) this many days: the return window.
    public var pendingDays: Int
    public var expiry: PointExpiry

    public init(pendingDays: Int = 0, expiry: PointExpiry = .never) throws(LoyaltyError) {
        guard (0...365).contains(pendingDays) else {
            throw .badArgument("points.pending-days", "must be 0...365 days")
        }
        // Points must be spendable for a while before they expire.
        if case .lifetime(let months) = expiry, months * 28 <= pendingDays {
            throw .badArgument("points.expiry-months", "a lifetime must be longer than the pending days")
        }
        self.pendingDays = pendingDays
        self.expiry = expiry
    }

    /// Spendable at once, never expiring.
    public static let standard = PointRules(checked: ())

    private init(checked: Void) {
        pendingDays = 0
        expiry = .never
    }
}
