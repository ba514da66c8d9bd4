/// How many customers were active, at risk and lapsed at the end of one day.
public struct LapseCounts: Sendable, Hashable, Codable {
    /// The programme-local day, `YYYY-MM-DD`.
    public var day: String
    /// Members with a purchase day on or before `day`.
    public var customers: Int64
    public var active: Int64
    public var atRisk: Int64
    public var lapsed: Int64

    public init(day: String, customers: Int64, active: Int64, atRisk: Int64, lapsed: Int64) {
        self.day = day
        self.customers = customers
        self.active = active
        self.atRisk = atRisk
        self.lapsed = lapsed
    }
}
