/// Gift card money that expired unspent (breakage), in one currency and month. Amounts are minor units of
/// ``currency``.
public struct GiftCardBreakage: Sendable, Hashable, Codable {
    public var currency: String
    /// `YYYY-MM` in the programme's time zone: when the job expired the balances, or for `pending`, when the
    /// cards' last day passed.
    public var month: String
    /// `expired` (the job took the balances off) or `pending` (past their last day; the job has not run yet).
    public var status: String
    public var cards: Int64
    public var amount: Int64

    public init(currency: String, month: String, status: String, cards: Int64, amount: Int64) {
        self.currency = currency
        self.month = month
        self.status = status
        self.cards = cards
        self.amount = amount
    }
}
