/// An acquisition source as an administrator defines it: where members come from (a partner, an advert,
/// a store opening), by which channel, over which days, and what it cost.
public struct AcquisitionSourceDefinition: Sendable, Hashable {
    public let code: RecordCode
    public let name: String
    /// A short code such as `partner`, `print`, `social` (the ``ShortCode`` rule).
    public let channel: String
    /// First and last day (programme-local), both optional.
    public let startsOn: CalendarDate?
    public let endsOn: CalendarDate?
    /// What the source cost in total; zero when it cost nothing.
    public let cost: Money

    public init(
        code: RecordCode, name: String, channel: String, startsOn: CalendarDate?, endsOn: CalendarDate?, cost: Money
    ) throws(LoyaltyError) {
        if let startsOn, let endsOn, endsOn < startsOn { throw .badArgument("to", "the last day comes before the first") }
        guard cost.minorUnits >= 0 else { throw .badArgument("cost", "must not be negative") }
        self.code = code
        self.name = try FieldRules.requiredText(name, field: "name")
        self.channel = try ShortCode.parse(channel, argument: "channel")
        self.startsOn = startsOn
        self.endsOn = endsOn
        self.cost = cost
    }
}
