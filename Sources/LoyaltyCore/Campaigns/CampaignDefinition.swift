/// A campaign as a marketer defines it before the send: a channel, the segment it goes to, its days and
/// cost, the share of the segment held out to measure the uplift against, the attribution window and an
/// optional bonus promotion for the contacted members (docs/campaigns.md).
public struct CampaignDefinition: Sendable, Hashable {
    /// Shares of the segment a holdout may take, in percent.
    public static let holdoutRange = 0...90
    /// Attribution windows, in days.
    public static let windowRange = 1...365

    public let code: RecordCode
    public let name: String
    public let channel: ContactChannel
    public let segment: SegmentName
    /// First day (programme-local); nil for the day it is created.
    public let startsOn: CalendarDate?
    public let endsOn: CalendarDate?
    public let cost: Money
    public let holdoutPercent: Int
    public let attributionDays: Int
    public let promotion: PromotionCode?

    public init(
        code: RecordCode, name: String, channel: ContactChannel, segment: SegmentName, startsOn: CalendarDate?,
        endsOn: CalendarDate?, cost: Money, holdoutPercent: Int = 10, attributionDays: Int = 30, promotion: PromotionCode?
    ) throws(LoyaltyError) {
        if let startsOn, let endsOn, endsOn < startsOn { throw .badArgument("to", "the last day comes before the first") }
        guard cost.minorUnits >= 0 else { throw .badArgument("cost", "must not be negative") }
        guard Self.holdoutRange.contains(holdoutPercent) else { throw .badArgument("holdout", "a share from 0 to 90 percent") }
        guard Self.windowRange.contains(attributionDays) else { throw .badArgument("window", "1 to 365 days") }
        self.code = code
        self.name = try FieldRules.requiredText(name, field: "name")
        self.channel = channel
        self.segment = segment
        self.startsOn = startsOn
        self.endsOn = endsOn
        self.cost = cost
        self.holdoutPercent = holdoutPercent
        self.attributionDays = attributionDays
        self.promotion = promotion
    }
}
