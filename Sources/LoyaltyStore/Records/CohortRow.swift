/// One row of the monthly cohort retention table: the customers whose first purchase day fell in
/// `cohort`, and how many of them bought in each month since.
public struct CohortRow: Sendable, Hashable, Codable {
    /// The month of first purchase, `YYYY-MM`.
    public var cohort: String
    public var customers: Int64
    /// `active[k]`: customers of the cohort with a purchase day in the k-th month after `cohort`
    /// (`active[0] == customers`), up to the report's last month.
    public var active: [Int64]

    public init(cohort: String, customers: Int64, active: [Int64]) {
        self.cohort = cohort
        self.customers = customers
        self.active = active
    }
}
