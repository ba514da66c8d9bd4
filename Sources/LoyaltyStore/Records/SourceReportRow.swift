/// One acquisition source in `report sources` (or the members without one: `source` nil).
public struct SourceReportRow: Sendable, Hashable, Codable {
    public var source: String?
    public var name: String?
    public var channel: String?
    /// Members who carry the source.
    public var members: Int64
    /// Of them, members with a purchase day, and with two or more.
    public var customers: Int64
    public var repeatCustomers: Int64
    /// Their spend net of returns, in minor units of the tracker currency.
    public var revenueMinor: Int64
    /// The source's cost; nil for the members without a source.
    public var costMinor: Int64?
    public var costCurrency: String?

    public init(
        source: String?, name: String?, channel: String?, members: Int64, customers: Int64, repeatCustomers: Int64,
        revenueMinor: Int64, costMinor: Int64?, costCurrency: String?
    ) {
        self.source = source
        self.name = name
        self.channel = channel
        self.members = members
        self.customers = customers
        self.repeatCustomers = repeatCustomers
        self.revenueMinor = revenueMinor
        self.costMinor = costMinor
        self.costCurrency = costCurrency
    }
}
