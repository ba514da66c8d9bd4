import LoyaltyCore
import LoyaltyTestSupport
import Testing

@Suite("PurchaseLineParser")
struct PurchaseLineParserTests {
    static let uciFile = """
        InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country
        536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,12/1/2010 8:26,2.55,17850,United Kingdom
        536365,71053,WHITE METAL LANTERN,6,12/1/2010 8:26,3.39,17850,United Kingdom
        C536379,D,Discount,-1,12/1/2010 9:41,27.5,14527,United Kingdom
        536414,22139,,56,12/1/2010 11:52,0,,United Kingdom
        536544,"POST","POSTAGE, EXTRA",1,12/1/2010 14:32,18.0,17850.0,United Kingdom

        """

    static let standardHeader = "receipt,customer,date,amount,store,currency"

    /// Reads a whole file and parses every record after the header.
    static func parse(
        _ bytes: [UInt8], mapping: PurchaseImportMapping
    ) throws -> [Result<PurchaseImportLine, PurchaseImportProblem>] {
        var reader = CSVRecordReader()
        let records = reader.feed(bytes) + reader.finish()
        let header = try #require(records.first)
        let parser = try PurchaseLineParser(mapping: mapping, header: header)
        return records.dropFirst().map(parser.parse)
    }

    static func parse(_ text: String, mapping: PurchaseImportMapping = .standard) throws -> [Result<PurchaseImportLine, PurchaseImportProblem>] {
        try parse(Array(text.utf8), mapping: mapping)
    }

    /// The one line of a standard file with `row` under the header, or its problem's reason.
    static func standardRow(_ row: String) throws -> Result<PurchaseImportLine, PurchaseImportProblem> {
        let results = try parse(standardHeader + "\n" + row + "\n")
        return try #require(results.first)
    }

    static func timestamp(_ text: String, _ format: ImportDateFormat = .iso) throws -> ImportTimestamp {
        try ImportTimestamp(parsing: text, format: format)
    }

    @Test("a file in exactly the UCI Online Retail shape, with the uci-online-retail preset")
    func uciOnlineRetail() throws {
        let mapping = try PurchaseImportMapping(preset: .uciOnlineRetail)
        let results = try Self.parse(Self.uciFile, mapping: mapping)
        #expect(results.count == 5)
        let lines = results.compactMap { try? $0.get() }
        let problems = results.compactMap { result -> PurchaseImportProblem? in
            if case .failure(let problem) = result { return problem }
            return nil
        }
        #expect(problems == [PurchaseImportProblem(line: 5, reason: "no customer id")])
        #expect(lines.map(\.line) == [2, 3, 4, 6])
        #expect(lines.map(\.receipt) == ["536365", "536365", "C536379", "536544"])
        #expect(lines.map(\.customer) == ["17850", "17850", "14527", "17850"])
        #expect(lines.map(\.amount.sqlText) == ["15.30", "20.34", "-27.5", "18.0"])
        #expect(
            lines.map(\.purchasedAt.sqlText) == [
                "2010-12-01 08:26:00", "2010-12-01 08:26:00", "2010-12-01 09:41:00", "2010-12-01 14:32:00",
            ])
        #expect(lines.allSatisfy { $0.store == nil && $0.currency == nil })
        let first = PurchaseImportLine(
            line: 2, receipt: "536365", customer: "17850", purchasedAt: try Self.timestamp("2010-12-01 08:26"),
            amount: ImportDecimal(units: 1530, scale: 2))
        #expect(lines.first == first)
    }

    @Test("the UCI file with CRLF line ends, a byte order mark, read a byte at a time, gives the same lines")
    func uciChunked() throws {
        let mapping = PurchaseImportMapping.uciOnlineRetail
        let crlf = [0xEF, 0xBB, 0xBF] + Array(Self.uciFile.replacing("\n", with: "\r\n").utf8)
        var reader = CSVRecordReader()
        var records: [CSVRecord] = []
        for byte in crlf { records += reader.feed(CollectionOfOne(byte)) }
        records += reader.finish()
        let parser = try PurchaseLineParser(mapping: mapping, header: try #require(records.first))
        let chunked = records.dropFirst().map(parser.parse)
        #expect(chunked == (try Self.parse(Self.uciFile, mapping: mapping)))
    }

    @Test("our standard format: amount, optional store and currency")
    func standard() throws {
        let results = try Self.parse(
            """
            receipt,customer,date,amount,store,currency
            R1,C1,2024-03-01 10:15,12.50,Berlin,EUR
            R2,C2,2024-03-01,-3.10,,
             R3 , C3 ,2024-03-01T10:15:00+01:00, 7 , Main St ,usd
            R4,17850.0,2024-03-01,0.085,Zürich,CHF
            """)
        let lines = try results.map { try $0.get() }
        #expect(lines.map(\.receipt) == ["R1", "R2", "R3", "R4"])
        #expect(lines.map(\.customer) == ["C1", "C2", "C3", "17850.0"])
        #expect(lines.map(\.amount.sqlText) == ["12.50", "-3.10", "7", "0.085"])
        #expect(lines.map(\.store) == ["Berlin", nil, "Main St", "Zürich"])
        #expect(lines.map(\.currency) == [.euro, nil, .usDollar, .swissFranc])
        #expect(lines[2].purchasedAt.sqlText == "2024-03-01 10:15:00+01:00")
        #expect(lines.map(\.line) == [2, 3, 4, 5])
    }

    @Test("without store and currency columns, lines have neither")
    func minimalStandard() throws {
        let line = try #require(try Self.parse("receipt,customer,date,amount\nR1,C1,2024-03-01,5\n").first).get()
        #expect(line.store == nil)
        #expect(line.currency == nil)
        #expect(line.amount == ImportDecimal(units: 5, scale: 0))
    }

    static let long40 = String(repeating: "x", count: 40)

    @Test(
        "rows that cannot be imported get a short, stable reason",
        arguments: [
            (",C1,2024-03-01,1,,", "no receipt number"),
            ("  ,C1,2024-03-01,1,,", "no receipt number"),
            ("R1,,2024-03-01,1,,", "no customer id"),
            ("R1,C1,,1,,", "no date"),
            ("R1,C1,13/45/2010 8:26,1,,", "bad date '13/45/2010 8:26'"),
            ("R1,C1,2024-02-30,1,,", "bad date '2024-02-30'"),
            ("R1,C1,2024-03-01,x,,", "bad amount 'x'"),
            ("R1,C1,2024-03-01,,,", "no amount"),
            ("R1,C1,2024-03-01,\"1,000.00\",,", "bad amount '1,000.00'"),
            ("R1,C1,2024-03-01,1e3,,", "bad amount '1e3'"),
            ("R1,C1,2024-03-01,NaN,,", "bad amount 'NaN'"),
            ("R1,C1,2024-03-01,99999999999999999999,,", "amount too large"),
            ("R1,C1,2024-03-01,1,,EURO", "bad currency 'EURO'"),
            ("R1,C1,2024-03-01", "missing columns (3 of 6)"),
            ("R1,C1,2024-03-01,1,,,extra", "too many columns (7 of 6)"),
            (",,,,,", "empty row"),
            (" , ,,\"\", ,", "empty row"),
            ("\"R\t1\",C1,2024-03-01,1,,", "control characters in receipt number"),
            ("R1,\"C\n1\",2024-03-01,1,,", "control characters in customer id"),
            ("R1,C1,2024-03-01,1,\"Main\u{85}St\",", "control characters in store"),
            (String(repeating: "r", count: 65) + ",C1,2024-03-01,1,,", "receipt number too long"),
            ("R1," + String(repeating: "c", count: 101) + ",2024-03-01,1,,", "customer id too long"),
            ("R1,C1,2024-03-01,1," + String(repeating: "s", count: 65) + ",", "store too long"),
            ("R1,C1,2024-03-01," + long40 + "yz,,", "bad amount '\(long40)…'"),
            ("R1,C1,\"2024-03-01\n08:00\",1,,", "bad date '2024-03-01 08:00'"),
        ])
    func problems(row: String, reason: String) throws {
        let result = try Self.standardRow(row)
        #expect(result == .failure(PurchaseImportProblem(line: 2, reason: reason)))
    }

    @Test("lengths count characters, not bytes")
    func lengths() throws {
        let receipt = String(repeating: "é", count: 64)
        let line = try Self.standardRow("\(receipt),\(String(repeating: "ü", count: 100)),2024-03-01,1,,").get()
        #expect(line.receipt == receipt)
        #expect(try Self.standardRow("\(receipt)é,C1,2024-03-01,1,,") == .failure(PurchaseImportProblem(line: 2, reason: "receipt number too long")))
    }

    @Test("quantity and unit price: their own reasons, exact products, weighed goods and negative prices")
    func quantityTimesUnitPrice() throws {
        let header = "InvoiceNo,Quantity,InvoiceDate,UnitPrice,CustomerID\n"
        let results = try Self.parse(
            header + """
                A1,x,12/1/2010 8:26,2.55,1
                A2,6,12/1/2010 8:26,"2,55",1
                A3,,12/1/2010 8:26,2.55,1
                A4,6,12/1/2010 8:26,,1
                A5,9223372036854775807,12/1/2010 8:26,2.55,1
                A6,1.5,12/1/2010 8:26,3.99,1
                A7,1,8/12/2011 14:51,-11062.06,1
                A8,-12,12/1/2010 8:26,1.25,1
                A9,99999999999999999999,12/1/2010 8:26,1,1
                """, mapping: .uciOnlineRetail)
        let outcomes = results.map { result in
            switch result {
            case .success(let line): line.amount.sqlText
            case .failure(let problem): problem.reason
            }
        }
        #expect(
            outcomes == [
                "bad quantity 'x'", "bad unit price '2,55'", "no quantity", "no unit price", "amount too large", "5.985",
                "-11062.06", "-15.00", "quantity too large",
            ])
    }

    @Test("only the mapped columns must be UTF-8")
    func utf8() throws {
        let header = Array("InvoiceNo,Description,Quantity,InvoiceDate,UnitPrice,CustomerID\n".utf8)
        let latin1Description = Array("1,CAF".utf8) + [0xC9] + Array(",1,12/1/2010 8:26,1,17850\n".utf8)
        let latin1Receipt = Array("1".utf8) + [0xFF] + Array(",CAFE,1,12/1/2010 8:26,1,17850\n".utf8)
        let latin1Date = Array("1,CAFE,1,12/1/2010".utf8) + [0xA0] + Array("8:26,1,17850\n".utf8)
        let results = try Self.parse(header + latin1Description + latin1Receipt + latin1Date, mapping: .uciOnlineRetail)
        #expect((try results[0].get()).receipt == "1")
        #expect(results[1] == .failure(PurchaseImportProblem(line: 3, reason: "not UTF-8")))
        #expect(results[2] == .failure(PurchaseImportProblem(line: 4, reason: "not UTF-8")))
    }

    @Test("a malformed record's own problem is the reason, on its line")
    func malformedRecord() throws {
        let columns = PurchaseImportMapping.ResolvedColumns(
            receipt: 0, customer: 1, date: 2, amount: .amount(3), headerCount: 4)
        let parser = PurchaseLineParser(columns: columns)
        let record = CSVRecord(line: 9, fields: [], problem: "field longer than 65536 bytes")
        #expect(parser.parse(record) == .failure(PurchaseImportProblem(line: 9, reason: "field longer than 65536 bytes")))
        #expect(PurchaseImportProblem(line: 9, reason: "no date").description == "line 9: no date")
        let ok = CSVRecord(line: 3, strings: ["R", "C", "2024-01-31", "1.5"])
        #expect((try parser.parse(ok).get()).amount.sqlText == "1.5")
    }

    @Test("the date format of the mapping is used")
    func dateFormats() throws {
        var mapping = PurchaseImportMapping.standard
        mapping.dateFormat = .dayMonthYear
        let results = try Self.parse("receipt,customer,date,amount\nR,C,01.12.2010 08:26,1\nR,C,12/31/2010,1\n", mapping: mapping)
        #expect((try results[0].get()).purchasedAt.sqlText == "2010-12-01 08:26:00")
        #expect(results[1] == .failure(PurchaseImportProblem(line: 3, reason: "bad date '12/31/2010'")))
    }
}
