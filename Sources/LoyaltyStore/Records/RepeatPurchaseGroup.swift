/// Repeat-purchase figures for one group of customers: everyone, the customers whose first purchase fell in
/// one month, who first bought at one store, or who came from one acquisition source.
///
/// A customer is a member with at least one purchase day (a programme-local day with a sale); a repeat
/// customer has two or more. Every figure is a count, so rates and averages are exact:
/// repeat rate = `repeatCustomers ÷ customers`, purchase frequency = `purchaseDays ÷ customers`, average
/// days to a second purchase = `daysToSecondPurchase ÷ repeatCustomers`.
public struct RepeatPurchaseGroup: Sendable, Hashable, Codable {
    /// `all`, a month `YYYY-MM`, a store code, or a source channel; `(none)` when the members have none.
    public var group: String
    public var customers: Int64
    public var repeatCustomers: Int64
    /// Purchase days of all the group's customers together.
    public var purchaseDays: Int64
    /// Sum, over the repeat customers, of the days from their first purchase day to their second.
    public var daysToSecondPurchase: Int64

    public init(group: String, customers: Int64, repeatCustomers: Int64, purchaseDays: Int64, daysToSecondPurchase: Int64) {
        self.group = group
        self.customers = customers
        self.repeatCustomers = repeatCustomers
        self.purchaseDays = purchaseDays
        self.daysToSecondPurchase = daysToSecondPurchase
    }
}
