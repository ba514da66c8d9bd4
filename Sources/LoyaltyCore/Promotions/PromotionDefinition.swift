/// A promotion as an administrator defines it (docs/programme.md, "Promotions").
public struct PromotionDefinition: Sendable, Hashable {
    public var code: PromotionCode
    public var name: String
    /// First and last day, inclusive, in the programme's time zone.
    public var startsOn: CalendarDate
    public var endsOn: CalendarDate
    /// The store codes it applies at; `nil` for every store.
    public var stores: [String]?
    public var condition: PromotionCondition
    public var bonus: PromotionBonus
    /// The smallest purchase it rewards, in one currency; purchases in other currencies do not qualify.
    public var minimumSpend: Money?
    /// How many purchases of one member it rewards at most.
    public var limitPerMember: Int?

    public init(
        code: PromotionCode, name: String, startsOn: CalendarDate, endsOn: CalendarDate, stores: [String]? = nil,
        condition: PromotionCondition = .any, bonus: PromotionBonus, minimumSpend: Money? = nil,
        limitPerMember: Int? = nil
    ) throws(LoyaltyError) {
        self.code = code
        self.name = try FieldRules.requiredText(name, field: "name", maximumLength: 100)
        guard endsOn >= startsOn else { throw .badArgument("to", "the last day is before the first") }
        if let stores {
            guard (1...100).contains(stores.count) else { throw .badArgument("store", "1 to 100 stores") }
            self.stores = try stores.map { store throws(LoyaltyError) in try Identifier.parse(store, argument: "store") }
        } else {
            self.stores = nil
        }
        switch bonus {
        case .multiplier(let multiplier):
            guard multiplier.percent > 100 else { throw .badArgument("multiplier", "must be more than 1") }
        case .points(let points):
            guard (1...1_000_000_000).contains(points) else { throw .badArgument("bonus", "must be 1...1000000000 points") }
        }
        if let minimumSpend, minimumSpend.minorUnits <= 0 {
            throw .badArgument("min-spend", "must be more than zero")
        }
        if let limitPerMember, !(1...1_000_000).contains(limitPerMember) {
            throw .badArgument("limit", "must be 1...1000000 purchases per member")
        }
        self.startsOn = startsOn
        self.endsOn = endsOn
        self.condition = condition
        self.bonus = bonus
        self.minimumSpend = minimumSpend
        self.limitPerMember = limitPerMember
    }
}
