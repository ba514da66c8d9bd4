/// Which column of an import file holds which value, and how dates and customer ids are written there.
///
/// Start from a preset (``standard`` unless told otherwise) and override single fields with the text of
/// `--map`: `receipt=InvoiceNo,customer=CustomerID,date=InvoiceDate,quantity=Quantity,unit-price=UnitPrice`.
/// Every mapping needs `receipt`, `customer` and `date`, and either `amount` or both `quantity` and
/// `unit-price`; `store` and `currency` are optional. Column names are matched against the file's header
/// by ``resolve(header:)``.
public struct PurchaseImportMapping: Sendable, Hashable {
    /// The header name of the column for each mapped field, as written in the mapping.
    public private(set) var columns: [PurchaseImportField: String]
    /// Mapped fields whose column may be missing from the file (the standard format's store and currency).
    /// A column named in `--map` must be there.
    public private(set) var optionalFields: Set<PurchaseImportField>
    /// How the date column is written.
    public var dateFormat: ImportDateFormat
    /// How customer ids are tidied.
    public var customerIDs: CustomerIDNormalisation

    /// The fields only an optional column may hold.
    public static let optionalCapableFields: Set<PurchaseImportField> = [.store, .currency]

    /// A mapping from explicit columns.
    /// - Throws: `BAD_ARGUMENT` when a required field is unmapped, when neither or both of `amount` and
    ///   `quantity` × `unit-price` are mapped, when a column name is empty, or when a field other than
    ///   store or currency is listed as optional.
    public init(
        columns: [PurchaseImportField: String], optionalFields: Set<PurchaseImportField> = [],
        dateFormat: ImportDateFormat = .iso, customerIDs: CustomerIDNormalisation = .asWritten
    ) throws(LoyaltyError) {
        try Self.validate(columns: columns, optionalFields: optionalFields)
        self.init(unchecked: columns, optionalFields: optionalFields, dateFormat: dateFormat, customerIDs: customerIDs)
    }

    private init(
        unchecked columns: [PurchaseImportField: String], optionalFields: Set<PurchaseImportField>,
        dateFormat: ImportDateFormat, customerIDs: CustomerIDNormalisation
    ) {
        self.columns = columns
        self.optionalFields = optionalFields
        self.dateFormat = dateFormat
        self.customerIDs = customerIDs
    }

    /// A preset, with the fields named in `map` (the text of `--map`) overriding it.
    /// - Throws: `BAD_ARGUMENT` for a malformed `map` or a result that is not a complete mapping.
    public init(preset: PurchaseImportPreset = .standard, map: String? = nil) throws(LoyaltyError) {
        if let map {
            self = try preset.mapping.overriding(map: map)
        } else {
            self = preset.mapping
        }
    }

    /// Our own format: `receipt,customer,date,amount,store,currency`, store and currency optional, ISO dates.
    public static let standard = PurchaseImportMapping(
        unchecked: [
            .receipt: "receipt", .customer: "customer", .date: "date", .amount: "amount", .store: "store",
            .currency: "currency",
        ],
        optionalFields: [.store, .currency], dateFormat: .iso, customerIDs: .asWritten)

    /// The UCI Online Retail data set (`InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country`).
    public static let uciOnlineRetail = PurchaseImportMapping(
        unchecked: [
            .receipt: "InvoiceNo", .customer: "CustomerID", .date: "InvoiceDate", .quantity: "Quantity",
            .unitPrice: "UnitPrice",
        ],
        optionalFields: [], dateFormat: .monthDayYear, customerIDs: .integerFromDecimal)

    /// This mapping with the fields named in `text` (`field=Column,field=Column`) mapped to new columns.
    ///
    /// Mapping `amount` drops the base's `quantity` and `unit-price`, and mapping either of those drops the
    /// base's `amount`, so `--map quantity=Qty,unit-price=Price` works on top of the standard format.
    /// A column named here is required in the file even where the base had it optional.
    /// - Throws: `BAD_ARGUMENT` for an entry that is not `field=Column`, an unknown or repeated field,
    ///   an empty name, or a result that is not a complete mapping.
    public func overriding(map text: String) throws(LoyaltyError) -> PurchaseImportMapping {
        let entries = try Self.parseMap(text)
        var columns = self.columns
        var optionalFields = self.optionalFields
        if entries.contains(where: { $0.field == .amount }) {
            columns[.quantity] = nil
            columns[.unitPrice] = nil
        }
        if entries.contains(where: { $0.field == .quantity || $0.field == .unitPrice }) {
            columns[.amount] = nil
        }
        for entry in entries {
            columns[entry.field] = entry.column
            optionalFields.remove(entry.field)
        }
        optionalFields.formIntersection(columns.keys)
        return try PurchaseImportMapping(
            columns: columns, optionalFields: optionalFields, dateFormat: dateFormat, customerIDs: customerIDs)
    }

    /// Splits the text of `--map` into its entries, in order.
    static func parseMap(_ text: String) throws(LoyaltyError) -> [(field: PurchaseImportField, column: String)] {
        guard !text.trimmingASCIIWhitespace().isEmpty else { throw .badArgument("map", "empty mapping") }
        var entries: [(field: PurchaseImportField, column: String)] = []
        for entry in text.split(separator: ",", omittingEmptySubsequences: false) {
            let shown = String(entry.trimmingASCIIWhitespace().prefix(60))
            guard !shown.isEmpty else { throw .badArgument("map", "empty entry (expected field=Column)") }
            guard let equals = entry.firstIndex(of: "=") else {
                throw .badArgument("map", "'\(shown)' is not field=Column")
            }
            let name = entry[..<equals].trimmingASCIIWhitespace().lowercased()
            let column = entry[entry.index(after: equals)...].trimmingASCIIWhitespace()
            guard !name.isEmpty else { throw .badArgument("map", "no field name in '\(shown)'") }
            guard let field = PurchaseImportField(rawValue: name) else {
                let known = PurchaseImportField.allCases.map(\.rawValue).joined(separator: ", ")
                throw .badArgument("map", "unknown field '\(name.prefix(40))' (known: \(known))")
            }
            guard !column.isEmpty else { throw .badArgument("map", "no column name for \(field)") }
            guard !entries.contains(where: { $0.field == field }) else {
                throw .badArgument("map", "\(field) is mapped twice")
            }
            entries.append((field, column))
        }
        return entries
    }

    private static func validate(
        columns: [PurchaseImportField: String], optionalFields: Set<PurchaseImportField>
    ) throws(LoyaltyError) {
        for field in [PurchaseImportField.receipt, .customer, .date] where columns[field] == nil {
            throw .badArgument("map", "no column for \(field)")
        }
        for (field, column) in columns where column.trimmingASCIIWhitespace().isEmpty {
            throw .badArgument("map", "no column name for \(field)")
        }
        let amount = columns[.amount] != nil
        let quantity = columns[.quantity] != nil
        let unitPrice = columns[.unitPrice] != nil
        if amount, quantity || unitPrice {
            throw .badArgument("map", "map either amount, or quantity and unit-price, not both")
        }
        if quantity != unitPrice {
            throw .badArgument("map", quantity ? "quantity needs unit-price as well" : "unit-price needs quantity as well")
        }
        if !amount, !quantity {
            throw .badArgument("map", "no column for amount (or for quantity and unit-price)")
        }
        if let field = optionalFields.subtracting(optionalCapableFields).first {
            throw .badArgument("map", "\(field) cannot be optional")
        }
    }
}
