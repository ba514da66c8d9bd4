import LoyaltyCore
import LoyaltyTestSupport
import Testing

@Suite("PurchaseImportMapping")
struct PurchaseImportMappingTests {
    static let uciHeader = CSVRecord(
        line: 1,
        strings: ["InvoiceNo", "StockCode", "Description", "Quantity", "InvoiceDate", "UnitPrice", "CustomerID", "Country"])

    @Test("the standard preset is our own column names, store and currency optional, ISO dates")
    func standard() throws {
        let mapping = try PurchaseImportMapping()
        #expect(mapping == .standard)
        #expect(
            mapping.columns == [
                .receipt: "receipt", .customer: "customer", .date: "date", .amount: "amount", .store: "store",
                .currency: "currency",
            ])
        #expect(mapping.optionalFields == [.store, .currency])
        #expect(mapping.dateFormat == .iso)
        #expect(mapping.customerIDs == .asWritten)
        #expect(PurchaseImportPreset.standard.mapping == .standard)
    }

    @Test("the UCI Online Retail preset")
    func uci() throws {
        let mapping = try PurchaseImportMapping(preset: .uciOnlineRetail)
        #expect(
            mapping.columns == [
                .receipt: "InvoiceNo", .customer: "CustomerID", .date: "InvoiceDate", .quantity: "Quantity",
                .unitPrice: "UnitPrice",
            ])
        #expect(mapping.optionalFields.isEmpty)
        #expect(mapping.dateFormat == .monthDayYear)
        #expect(mapping.customerIDs == .integerFromDecimal)
        // The same columns in --map, on top of the standard preset: its optional store and currency columns
        // stay (optional), and so do its ISO dates and customer ids as written.
        let explicit = try PurchaseImportMapping(
            map: "receipt=InvoiceNo,customer=CustomerID,date=InvoiceDate,quantity=Quantity,unit-price=UnitPrice")
        #expect(explicit.columns.filter { !explicit.optionalFields.contains($0.key) } == mapping.columns)
        #expect(explicit.optionalFields == [.store, .currency])
        #expect(explicit.dateFormat == .iso)
        #expect(explicit.customerIDs == .asWritten)
        #expect(try explicit.resolve(header: Self.uciHeader) == mapping.resolve(header: Self.uciHeader))
    }

    @Test("presets and date formats by their command-line names")
    func names() throws {
        #expect(try PurchaseImportPreset(parsing: "uci-online-retail") == .uciOnlineRetail)
        #expect(try PurchaseImportPreset(parsing: "Standard") == .standard)
        let preset = expectError(.badArgument) { () throws(LoyaltyError) in try PurchaseImportPreset(parsing: "uci") }
        #expect(preset?.message == "preset: unknown preset 'uci' (known: standard, uci-online-retail)")
        #expect(try ImportDateFormat(parsing: "m/d/y") == .monthDayYear)
        #expect(try ImportDateFormat(parsing: "d/m/y") == .dayMonthYear)
        #expect(try ImportDateFormat(parsing: "ISO") == .iso)
        let format = expectError(.badArgument) { () throws(LoyaltyError) in try ImportDateFormat(parsing: "y/m/d") }
        #expect(format?.message == "date-format: unknown date format 'y/m/d' (known: iso, m/d/y, d/m/y)")
        #expect(PurchaseImportField(rawValue: "unit-price") == .unitPrice)
        #expect(PurchaseImportField.allCases.map(\.rawValue) == [
            "receipt", "customer", "date", "amount", "quantity", "unit-price", "store", "currency",
        ])
    }

    @Test("--map: column names may hold spaces; spaces around names and field case do not matter")
    func mapText() throws {
        let mapping = try PurchaseImportMapping(
            map: " Receipt = Invoice No ,customer=Customer ID,date=Date of sale, amount=Total (EUR),store=Shop")
        #expect(
            mapping.columns == [
                .receipt: "Invoice No", .customer: "Customer ID", .date: "Date of sale", .amount: "Total (EUR)",
                .store: "Shop", .currency: "currency",
            ])
        // Named in --map, the store must be in the file; the standard currency column stays optional.
        #expect(mapping.optionalFields == [.currency])
    }

    @Test(
        "--map errors say what is wrong",
        arguments: [
            ("", "map: empty mapping"),
            ("  ", "map: empty mapping"),
            ("receipt", "map: 'receipt' is not field=Column"),
            ("receipt=A,,customer=B", "map: empty entry (expected field=Column)"),
            ("receipt=A,", "map: empty entry (expected field=Column)"),
            ("foo=Bar", "map: unknown field 'foo' (known: receipt, customer, date, amount, quantity, unit-price, store, currency)"),
            ("unit_price=P", "map: unknown field 'unit_price' (known: receipt, customer, date, amount, quantity, unit-price, store, currency)"),
            ("=A", "map: no field name in '=A'"),
            ("receipt=", "map: no column name for receipt"),
            ("receipt= ", "map: no column name for receipt"),
            ("receipt=A,Receipt=B", "map: receipt is mapped twice"),
            ("amount=A,quantity=Q,unit-price=P", "map: map either amount, or quantity and unit-price, not both"),
            ("quantity=Q", "map: quantity needs unit-price as well"),
            ("unit-price=P", "map: unit-price needs quantity as well"),
        ])
    func mapErrors(text: String, message: String) {
        let error = expectError(.badArgument) { () throws(LoyaltyError) in try PurchaseImportMapping(map: text) }
        #expect(error?.message == message)
    }

    @Test("--map overrides single fields of a preset")
    func overridePreset() throws {
        let customer = try PurchaseImportMapping(preset: .uciOnlineRetail, map: "customer=Customer ID")
        #expect(customer.columns[.customer] == "Customer ID")
        #expect(customer.columns[.receipt] == "InvoiceNo")
        #expect(customer.dateFormat == .monthDayYear)
        #expect(customer.customerIDs == .integerFromDecimal)

        // An amount column replaces quantity × unit price, and the other way round.
        let amount = try PurchaseImportMapping(preset: .uciOnlineRetail, map: "amount=Total")
        #expect(amount.columns[.amount] == "Total")
        #expect(amount.columns[.quantity] == nil)
        #expect(amount.columns[.unitPrice] == nil)
        let product = try PurchaseImportMapping(map: "quantity=Qty,unit-price=Price")
        #expect(product.columns[.amount] == nil)
        #expect(product.columns[.quantity] == "Qty")
        #expect(product.columns[.receipt] == "receipt")

        // Replacing one of quantity and unit price keeps the other.
        let price = try PurchaseImportMapping(preset: .uciOnlineRetail, map: "unit-price=Price")
        #expect(price.columns[.quantity] == "Quantity")
        #expect(price.columns[.unitPrice] == "Price")

        // The date format is the preset's until changed.
        var changed = customer
        changed.dateFormat = .dayMonthYear
        #expect(changed.dateFormat == .dayMonthYear)
    }

    @Test("explicit mappings are validated")
    func explicitValidation() throws {
        let complete: [PurchaseImportField: String] = [.receipt: "r", .customer: "c", .date: "d", .amount: "a"]
        #expect(try PurchaseImportMapping(columns: complete).columns == complete)
        for field in [PurchaseImportField.receipt, .customer, .date] {
            var columns = complete
            columns[field] = nil
            let error = expectError(.badArgument) { () throws(LoyaltyError) in try PurchaseImportMapping(columns: columns) }
            #expect(error?.message == "map: no column for \(field)")
        }
        var noAmount = complete
        noAmount[.amount] = nil
        let missing = expectError(.badArgument) { () throws(LoyaltyError) in try PurchaseImportMapping(columns: noAmount) }
        #expect(missing?.message == "map: no column for amount (or for quantity and unit-price)")
        let optional = expectError(.badArgument) { () throws(LoyaltyError) in
            try PurchaseImportMapping(columns: complete, optionalFields: [.customer])
        }
        #expect(optional?.message == "map: customer cannot be optional")
        expectError(.badArgument) { () throws(LoyaltyError) in
            try PurchaseImportMapping(columns: complete.merging([.store: " "]) { $1 })
        }
    }

    @Test("resolves the UCI header to column positions")
    func resolveUCI() throws {
        let columns = try PurchaseImportMapping.uciOnlineRetail.resolve(header: Self.uciHeader)
        #expect(columns.receipt == 0)
        #expect(columns.customer == 6)
        #expect(columns.date == 4)
        #expect(columns.amount == .quantityTimesUnitPrice(quantity: 3, unitPrice: 5))
        #expect(columns.store == nil)
        #expect(columns.currency == nil)
        #expect(columns.headerCount == 8)
    }

    @Test("header names match ignoring case and surrounding spaces")
    func resolveLoosely() throws {
        let header = CSVRecord(line: 1, strings: [" RECEIPT", "Customer ", "date", "Amount", "Currency"])
        let columns = try PurchaseImportMapping.standard.resolve(header: header)
        #expect(columns.receipt == 0)
        #expect(columns.customer == 1)
        #expect(columns.amount == .amount(3))
        #expect(columns.currency == 4)
        // The standard store column is optional: absent, it is simply not read.
        #expect(columns.store == nil)
    }

    @Test("a missing column is named, with the columns the file has")
    func missingColumns() throws {
        let header = CSVRecord(line: 1, strings: ["Invoice", "StockCode", "Quantity", "InvoiceDate", "UnitPrice", "Country"])
        let error = expectError(.badArgument) { () throws(LoyaltyError) in
            try PurchaseImportMapping.uciOnlineRetail.resolve(header: header)
        }
        #expect(
            error?.message
                == "header: missing columns 'InvoiceNo' (receipt), 'CustomerID' (customer); the file has 'Invoice', "
                + "'StockCode', 'Quantity', 'InvoiceDate', 'UnitPrice', 'Country'")

        let one = expectError(.badArgument) { () throws(LoyaltyError) in
            try PurchaseImportMapping(preset: .uciOnlineRetail, map: "store=Shop").resolve(header: Self.uciHeader)
        }
        #expect(one?.message.hasPrefix("header: missing column 'Shop' (store); the file has 'InvoiceNo', ") == true)

        let wide = CSVRecord(line: 1, strings: (1...25).map { "c\($0)" })
        let many = expectError(.badArgument) { () throws(LoyaltyError) in try PurchaseImportMapping.standard.resolve(header: wide) }
        #expect(many?.message.hasSuffix("'c19', 'c20' and 5 more") == true)
    }

    @Test("a mapped column that appears twice, or a malformed header, is an error")
    func ambiguousHeader() {
        let twice = CSVRecord(line: 1, strings: ["receipt", "customer", "date", "amount", "Customer"])
        let error = expectError(.badArgument) { () throws(LoyaltyError) in try PurchaseImportMapping.standard.resolve(header: twice) }
        #expect(error?.message == "header: column 'customer' appears 2 times")
        let malformed = CSVRecord(line: 1, fields: [], problem: "unterminated quoted field")
        let problem = expectError(.badArgument) { () throws(LoyaltyError) in
            try PurchaseImportMapping.standard.resolve(header: malformed)
        }
        #expect(problem?.message == "header: unterminated quoted field")
    }

    @Test("customer ids written as decimals lose a zero fraction, and nothing else changes")
    func customerIDs() {
        let rule = CustomerIDNormalisation.integerFromDecimal
        #expect(rule.apply("17850.0") == "17850")
        #expect(rule.apply("17850.00") == "17850")
        #expect(rule.apply("17850") == "17850")
        #expect(rule.apply("17850.5") == "17850.5")
        #expect(rule.apply("A17.0") == "A17.0")
        #expect(rule.apply(".0") == ".0")
        #expect(rule.apply("17850.") == "17850.")
        #expect(rule.apply("1.0.0") == "1.0.0")
        #expect(CustomerIDNormalisation.asWritten.apply("17850.0") == "17850.0")
    }
}
