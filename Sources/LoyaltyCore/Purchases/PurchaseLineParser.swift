/// Turns the records of an import file into purchase lines, or into problems to report. Pure and cheap:
/// one parser serves a whole file, from any number of tasks.
///
/// Every field is trimmed of surrounding spaces, tabs and line breaks. Only the mapped columns are
/// read, so bad bytes elsewhere (say, in a description) do not reject a row. The first problem found
/// is the one reported, checking in this order: the record itself, its column count, receipt, customer,
/// date, amount (or quantity and unit price), store, currency.
///
/// Reasons are short and stable: `no receipt number`, `bad date '13/45/2010 8:26'`, `amount too large` ...
/// (the full list is in `docs/purchase-import-format.md`). Offending values are quoted, cut to 40 characters.
public struct PurchaseLineParser: Sendable {
    public let columns: PurchaseImportMapping.ResolvedColumns
    public let dateFormat: ImportDateFormat
    public let customerIDs: CustomerIDNormalisation

    /// The longest receipt number, in characters (Unicode scalars, as PostgreSQL counts them).
    public static let maximumReceiptLength = 64
    /// The longest customer id, in characters.
    public static let maximumCustomerLength = 100
    /// The longest store name, in characters.
    public static let maximumStoreLength = 64
    /// How much of an offending value a reason quotes, in characters.
    static let quotedLength = 40

    public init(
        columns: PurchaseImportMapping.ResolvedColumns, dateFormat: ImportDateFormat = .iso,
        customerIDs: CustomerIDNormalisation = .asWritten
    ) {
        self.columns = columns
        self.dateFormat = dateFormat
        self.customerIDs = customerIDs
    }

    /// A parser for a file with this header, read with `mapping`.
    /// - Throws: `BAD_ARGUMENT` when the header lacks a mapped column (see ``PurchaseImportMapping/resolve(header:)``).
    public init(mapping: PurchaseImportMapping, header: CSVRecord) throws(LoyaltyError) {
        self.init(columns: try mapping.resolve(header: header), dateFormat: mapping.dateFormat, customerIDs: mapping.customerIDs)
    }

    /// The purchase line in `record`, or why there is none.
    public func parse(_ record: CSVRecord) -> Result<PurchaseImportLine, PurchaseImportProblem> {
        do {
            return .success(try line(from: record))
        } catch {
            return .failure(PurchaseImportProblem(line: record.line, reason: error.text))
        }
    }

    /// The reason a record is refused, thrown inside the parser.
    private struct Reason: Error {
        let text: String
        init(_ text: String) { self.text = text }
    }

    private func line(from record: CSVRecord) throws(Reason) -> PurchaseImportLine {
        if let problem = record.problem { throw Reason(problem) }
        if (0..<record.count).allSatisfy({ Self.trimmed(record[$0]).isEmpty }) { throw Reason("empty row") }
        if record.count < columns.headerCount { throw Reason("missing columns (\(record.count) of \(columns.headerCount))") }
        if record.count > columns.headerCount { throw Reason("too many columns (\(record.count) of \(columns.headerCount))") }

        let receipt = try text(
            record[columns.receipt], maximumLength: Self.maximumReceiptLength, name: "receipt number",
            missing: "no receipt number")
        let customer = try text(
            record[columns.customer], maximumLength: Self.maximumCustomerLength, name: "customer id",
            missing: "no customer id", normalise: customerIDs.apply)
        let purchasedAt = try timestamp(record[columns.date])
        let amount: ImportDecimal
        switch columns.amount {
        case .amount(let index):
            amount = try decimal(record[index], name: "amount")
        case .quantityTimesUnitPrice(let quantityIndex, let unitPriceIndex):
            let quantity = try decimal(record[quantityIndex], name: "quantity")
            let unitPrice = try decimal(record[unitPriceIndex], name: "unit price")
            switch quantity.product(with: unitPrice) {
            case .success(let product): amount = product
            case .failure(.tooPrecise): throw Reason("amount has more than \(ImportDecimal.maximumScale) decimals")
            case .failure: throw Reason("amount too large")
            }
        }
        let store = try columns.store.flatMap { index throws(Reason) in
            try optionalText(record[index], maximumLength: Self.maximumStoreLength, name: "store")
        }
        let currency = try columns.currency.flatMap { index throws(Reason) in try self.currency(record[index]) }
        return PurchaseImportLine(
            line: record.line, receipt: receipt, customer: customer, purchasedAt: purchasedAt, amount: amount,
            store: store, currency: currency)
    }

    private func text(
        _ field: ArraySlice<UInt8>, maximumLength: Int, name: String, missing: String,
        normalise: (String) -> String = { $0 }
    ) throws(Reason) -> String {
        guard let value = try optionalText(field, maximumLength: maximumLength, name: name, normalise: normalise) else {
            throw Reason(missing)
        }
        return value
    }

    /// The trimmed text of a field, or nil when it is empty.
    private func optionalText(
        _ field: ArraySlice<UInt8>, maximumLength: Int, name: String, normalise: (String) -> String = { $0 }
    ) throws(Reason) -> String? {
        let bytes = Self.trimmed(field)
        guard !bytes.isEmpty else { return nil }
        guard let raw = CSVRecord.string(validating: bytes) else { throw Reason("not UTF-8") }
        guard !Self.containsControlCharacters(bytes) else { throw Reason("control characters in \(name)") }
        let value = normalise(raw)
        // A character takes at least one byte, so only longer byte counts need counting.
        guard bytes.count <= maximumLength || value.unicodeScalars.count <= maximumLength else { throw Reason("\(name) too long") }
        return value
    }

    private func timestamp(_ field: ArraySlice<UInt8>) throws(Reason) -> ImportTimestamp {
        let bytes = Self.trimmed(field)
        guard !bytes.isEmpty else { throw Reason("no date") }
        guard let timestamp = ImportTimestamp.parse(bytes, format: dateFormat) else {
            throw Reason("bad date \(try Self.quoted(bytes))")
        }
        return timestamp
    }

    private func decimal(_ field: ArraySlice<UInt8>, name: String) throws(Reason) -> ImportDecimal {
        let bytes = Self.trimmed(field)
        guard !bytes.isEmpty else { throw Reason("no \(name)") }
        switch ImportDecimal.parse(bytes) {
        case .success(let value): return value
        case .failure(.tooLarge): throw Reason("\(name) too large")
        case .failure: throw Reason("bad \(name) \(try Self.quoted(bytes))")
        }
    }

    private func currency(_ field: ArraySlice<UInt8>) throws(Reason) -> Currency? {
        let bytes = Self.trimmed(field)
        guard !bytes.isEmpty else { return nil }
        guard let code = CSVRecord.string(validating: bytes) else { throw Reason("not UTF-8") }
        do {
            return try Currency(code: code)
        } catch {
            throw Reason("bad currency \(try Self.quoted(bytes))")
        }
    }

    /// The field without surrounding spaces, tabs, CRs and LFs.
    static func trimmed(_ field: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        func isSpace(_ byte: UInt8) -> Bool {
            byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r") || byte == UInt8(ascii: "\n")
        }
        var start = field.startIndex
        var end = field.endIndex
        while start < end, isSpace(field[start]) { start += 1 }
        while end > start, isSpace(field[end - 1]) { end -= 1 }
        return field[start..<end]
    }

    /// Whether valid UTF-8 holds a C0 control, DEL, or a C1 control (U+0080...U+009F, encoded C2 80...C2 9F).
    static func containsControlCharacters(_ bytes: ArraySlice<UInt8>) -> Bool {
        var previous: UInt8 = 0
        for byte in bytes {
            if byte < 0x20 || byte == 0x7F || (previous == 0xC2 && (0x80...0x9F).contains(byte)) { return true }
            previous = byte
        }
        return false
    }

    /// A value for a reason: in single quotes, at most ``quotedLength`` characters, control characters as spaces.
    private static func quoted(_ bytes: ArraySlice<UInt8>) throws(Reason) -> String {
        guard let text = CSVRecord.string(validating: bytes) else { throw Reason("not UTF-8") }
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars.prefix(quotedLength) {
            scalars.append(scalar.properties.generalCategory == .control ? " " : scalar)
        }
        let ellipsis = text.unicodeScalars.count > quotedLength ? "…" : ""
        return "'\(String(scalars))\(ellipsis)'"
    }
}
