/// A named column layout for `loyalty purchase import --preset`.
public enum PurchaseImportPreset: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Our own format: columns `receipt,customer,date,amount,store,currency` (store and currency
    /// optional), ISO dates, customer ids as written. The default.
    case standard
    /// The UCI "Online Retail" data set: `InvoiceNo`, `CustomerID`, `InvoiceDate` (`12/1/2010 8:26`),
    /// `Quantity` × `UnitPrice`; customer ids written as `17850.0` are read as `17850`.
    case uciOnlineRetail = "uci-online-retail"

    /// Looks a preset up by its command-line name.
    /// - Throws: `BAD_ARGUMENT` naming the known presets.
    public init(parsing text: String, argument: String = "preset") throws(LoyaltyError) {
        guard let preset = PurchaseImportPreset(rawValue: text.lowercased()) else {
            let known = Self.allCases.map(\.rawValue).joined(separator: ", ")
            throw .badArgument(argument, "unknown preset '\(text.prefix(40))' (known: \(known))")
        }
        self = preset
    }

    /// The mapping the preset stands for.
    public var mapping: PurchaseImportMapping {
        switch self {
        case .standard: .standard
        case .uciOnlineRetail: .uciOnlineRetail
        }
    }

    public var description: String { rawValue }
}
