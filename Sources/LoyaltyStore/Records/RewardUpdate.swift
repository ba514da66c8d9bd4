import LoyaltyCore

/// Changes to a reward. Fields left nil or `.keep` are not touched.
public struct RewardUpdate: Sendable, Hashable {
    public typealias Change = MemberUpdate.Change

    public var name: String?
    public var cost: Int64?
    public var stock: Change<Int64> = .keep
    public var validFrom: Change<CalendarDate> = .keep
    public var validUntil: Change<CalendarDate> = .keep
    public var minimumTier: Change<TierCode> = .keep

    public init() {}

    public var isEmpty: Bool { self == RewardUpdate() }
}
