/// The birthday bonus (`crm.birthday-bonus-points`, `crm.birthday-catch-up-days`; docs/interactions.md).
public struct BirthdayBonusRules: Sendable, Hashable {
    /// Points granted on a member's birthday, once per calendar year; 0 turns the bonus off.
    public let points: Int64
    /// A birthday that fell up to this many days ago still gets its bonus (a job that did not run for a
    /// few days catches up).
    public let catchUpDays: Int

    public static let maximumPoints: Int64 = 1_000_000
    public static let maximumCatchUpDays = 31

    public init(points: Int64 = 0, catchUpDays: Int = 7) throws(LoyaltyError) {
        guard (0...Self.maximumPoints).contains(points) else {
            throw .badArgument("crm.birthday-bonus-points", "must be 0...\(Self.maximumPoints)")
        }
        guard (0...Self.maximumCatchUpDays).contains(catchUpDays) else {
            throw .badArgument("crm.birthday-catch-up-days", "must be 0...\(Self.maximumCatchUpDays)")
        }
        self.points = points
        self.catchUpDays = catchUpDays
    }

    /// Whether a bonus is granted at all.
    public var isOn: Bool { points > 0 }

    /// Off, with a week of catch-up.
    public static let standard = BirthdayBonusRules(checkedPoints: 0, catchUpDays: 7)

    private init(checkedPoints points: Int64, catchUpDays: Int) {
        self.points = points
        self.catchUpDays = catchUpDays
    }
}
