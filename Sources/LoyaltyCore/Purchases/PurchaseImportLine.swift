/// One purchase line read from an import file, checked and ready for the store.
public struct PurchaseImportLine: Sendable, Hashable {
    /// The physical line of the file the record starts on.
    public let line: Int
    /// The receipt (invoice) number, trimmed: 1 to 64 characters.
    public let receipt: String
    /// The customer's id in the file, trimmed and normalised: 1 to 100 characters.
    public let customer: String
    /// When the purchase was made.
    public let purchasedAt: ImportTimestamp
    /// The signed amount of the line; negative for returns and cancellations.
    public let amount: ImportDecimal
    /// The store, at most 64 characters; nil when not mapped or empty.
    public let store: String?
    /// The line's currency; nil when not mapped or empty (the programme's currency applies).
    public let currency: Currency?

    public init(
        line: Int, receipt: String, customer: String, purchasedAt: ImportTimestamp, amount: ImportDecimal,
        store: String? = nil, currency: Currency? = nil
    ) {
        self.line = line
        self.receipt = receipt
        self.customer = customer
        self.purchasedAt = purchasedAt
        self.amount = amount
        self.store = store
        self.currency = currency
    }
}
