/// Gift card activities of one kind, in one currency, at one store on one programme day. Amounts are minor
/// units of ``currency``.
public struct GiftCardActivityTotal: Sendable, Hashable, Codable {
    /// The day, `YYYY-MM-DD`, in the programme's time zone.
    public var day: String
    /// The store of the terminal; nil for administrators' and jobs' activities.
    public var store: String?
    public var currency: String
    public var kind: String
    public var count: Int64
    /// The sum of the balance changes, and of the held changes.
    public var amount: Int64
    public var held: Int64

    public init(day: String, store: String?, currency: String, kind: String, count: Int64, amount: Int64, held: Int64) {
        self.day = day
        self.store = store
        self.currency = currency
        self.kind = kind
        self.count = count
        self.amount = amount
        self.held = held
    }
}
