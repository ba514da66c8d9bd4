import LoyaltyCore

/// Changes to an acquisition source; nil keeps a field. The cost is given with its currency.
public struct AcquisitionSourceUpdate: Sendable, Hashable {
    public var name: String?
    public var channel: String?
    public var startsOn: CalendarDate?
    public var endsOn: CalendarDate?
    public var cost: Money?

    public init(name: String? = nil, channel: String? = nil, startsOn: CalendarDate? = nil, endsOn: CalendarDate? = nil, cost: Money? = nil) {
        self.name = name
        self.channel = channel
        self.startsOn = startsOn
        self.endsOn = endsOn
        self.cost = cost
    }

    public var isEmpty: Bool { self == AcquisitionSourceUpdate() }

    /// The fields given, for the audit log.
    var fields: [String] {
        [
            name.map { _ in "name" }, channel.map { _ in "channel" }, startsOn.map { _ in "starts_on" },
            endsOn.map { _ in "ends_on" }, cost.map { _ in "cost" },
        ].compactMap { $0 }
    }
}
