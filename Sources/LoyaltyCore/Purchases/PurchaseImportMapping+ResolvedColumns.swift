extension PurchaseImportMapping {
    /// The positions of the mapped columns in one file, found by ``PurchaseImportMapping/resolve(header:)``.
    public struct ResolvedColumns: Sendable, Hashable {
        /// Where the line amount comes from.
        public enum Amount: Sendable, Hashable {
            /// One column holds the signed amount.
            case amount(Int)
            /// The amount is quantity × unit price.
            case quantityTimesUnitPrice(quantity: Int, unitPrice: Int)
        }

        public let receipt: Int
        public let customer: Int
        public let date: Int
        public let amount: Amount
        public let store: Int?
        public let currency: Int?
        /// The number of columns in the header.
        public let headerCount: Int

        /// - Precondition: every index is in `0..<headerCount`.
        public init(
            receipt: Int, customer: Int, date: Int, amount: Amount, store: Int? = nil, currency: Int? = nil,
            headerCount: Int
        ) {
            self.receipt = receipt
            self.customer = customer
            self.date = date
            self.amount = amount
            self.store = store
            self.currency = currency
            self.headerCount = headerCount
            precondition(indices.allSatisfy { (0..<headerCount).contains($0) }, "column index outside the header")
        }

        /// The position of every resolved column.
        var indices: [Int] {
            var result = [receipt, customer, date]
            switch amount {
            case .amount(let index): result.append(index)
            case .quantityTimesUnitPrice(let quantity, let unitPrice): result += [quantity, unitPrice]
            }
            if let store { result.append(store) }
            if let currency { result.append(currency) }
            return result
        }
    }

    /// Finds the mapped columns in the header record of a file. Names are compared without surrounding
    /// spaces and ignoring case.
    /// - Throws: `BAD_ARGUMENT` naming every mapped column the header lacks (and listing the columns it has),
    ///   a mapped column that appears twice, or the header's own problem when it is malformed.
    public func resolve(header: CSVRecord) throws(LoyaltyError) -> ResolvedColumns {
        if let problem = header.problem { throw .badArgument("header", problem) }
        let names = (0..<header.count).map { header.string(at: $0) ?? String(decoding: header[$0], as: UTF8.self) }
        let keys = names.map { $0.trimmingASCIIWhitespace().lowercased() }
        var found: [PurchaseImportField: Int] = [:]
        var missing: [String] = []
        for field in PurchaseImportField.allCases {
            guard let column = columns[field] else { continue }
            let key = column.trimmingASCIIWhitespace().lowercased()
            let matches = keys.indices.filter { keys[$0] == key }
            if matches.count > 1 {
                throw .badArgument("header", "column '\(column.prefix(40))' appears \(matches.count) times")
            } else if let index = matches.first {
                found[field] = index
            } else if !optionalFields.contains(field) {
                missing.append("'\(column.prefix(40))' (\(field))")
            }
        }
        guard missing.isEmpty, let receipt = found[.receipt], let customer = found[.customer], let date = found[.date]
        else {
            let shown = names.prefix(20).map { "'\($0.trimmingASCIIWhitespace().prefix(40))'" }.joined(separator: ", ")
            let more = names.count > 20 ? " and \(names.count - 20) more" : ""
            let noun = missing.count == 1 ? "column" : "columns"
            throw .badArgument("header", "missing \(noun) \(missing.joined(separator: ", ")); the file has \(shown)\(more)")
        }
        let amount: ResolvedColumns.Amount
        if let index = found[.amount] {
            amount = .amount(index)
        } else if let quantity = found[.quantity], let unitPrice = found[.unitPrice] {
            amount = .quantityTimesUnitPrice(quantity: quantity, unitPrice: unitPrice)
        } else {
            // The initialisers guarantee one or the other, and both are required columns.
            throw .badArgument("header", "no amount column")
        }
        return ResolvedColumns(
            receipt: receipt, customer: customer, date: date, amount: amount, store: found[.store],
            currency: found[.currency], headerCount: header.count)
    }
}
