import LoyaltyCore

/// The fields `promo update` may change; `nil` keeps a field's value. The bonus and condition of a
/// promotion that has rewarded purchases stay as they were: define a new promotion instead.
public struct PromotionUpdate: Sendable, Hashable {
    public var name: String?
    public var startsOn: CalendarDate?
    public var endsOn: CalendarDate?
    public var limitPerMember: Int?

    public init(name: String? = nil, startsOn: CalendarDate? = nil, endsOn: CalendarDate? = nil, limitPerMember: Int? = nil)
        throws(LoyaltyError)
    {
        self.name = try name.map { text throws(LoyaltyError) in try FieldRules.requiredText(text, field: "name") }
        if let limitPerMember, !(1...1_000_000).contains(limitPerMember) {
            throw .badArgument("limit", "must be 1...1000000 purchases per member")
        }
        self.startsOn = startsOn
        self.endsOn = endsOn
        self.limitPerMember = limitPerMember
    }

    public var isEmpty: Bool { name == nil && startsOn == nil && endsOn == nil && limitPerMember == nil }
}
