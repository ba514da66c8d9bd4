/// A value a purchase import reads from a column. The raw values are the names used in `--map`.
public enum PurchaseImportField: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// The receipt (invoice) number. Required.
    case receipt
    /// The customer's id in the file. Required.
    case customer
    /// The date and time of the purchase. Required.
    case date
    /// The signed amount of the line; or map ``quantity`` and ``unitPrice`` instead.
    case amount
    /// The quantity of the line, multiplied by ``unitPrice`` when there is no ``amount`` column.
    case quantity
    /// The price of one unit.
    case unitPrice = "unit-price"
    /// The store the purchase was made in. Optional.
    case store
    /// The ISO 4217 currency of the line. Optional.
    case currency

    public var description: String { rawValue }
}
