import LoyaltyCore
import LoyaltyTestSupport
import Testing

@Suite("CSVRecordReader")
struct CSVRecordReaderTests {
    /// Reads all of `bytes` in chunks of the given sizes (the last size repeats), then finishes.
    static func read(_ bytes: [UInt8], chunkSizes: [Int] = [], reader: CSVRecordReader = CSVRecordReader()) -> [CSVRecord] {
        var reader = reader
        var records: [CSVRecord] = []
        var offset = 0
        var sizes = chunkSizes[...]
        while offset < bytes.count {
            let size = sizes.count > 1 ? sizes.removeFirst() : (sizes.first ?? bytes.count)
            let end = min(bytes.count, offset + max(1, size))
            records += reader.feed(bytes[offset..<end])
            offset = end
        }
        return records + reader.finish()
    }

    static func read(_ text: String, reader: CSVRecordReader = CSVRecordReader()) -> [CSVRecord] {
        read(Array(text.utf8), reader: reader)
    }

    /// The fields of each record as strings, for compact expectations.
    static func strings(_ records: [CSVRecord]) -> [[String]] {
        records.map { record in (0..<record.count).map { record.string(at: $0) ?? "<not UTF-8>" } }
    }

    @Test("splits records on commas and line feeds, and counts lines from 1")
    func simple() {
        let records = Self.read("a,b,c\n1,2,3\n")
        #expect(Self.strings(records) == [["a", "b", "c"], ["1", "2", "3"]])
        #expect(records.map(\.line) == [1, 2])
        #expect(records.allSatisfy { $0.problem == nil })
    }

    @Test("quoted fields keep commas, and a doubled quote is one quote")
    func quoting() {
        let records = Self.read("a,\"b,c\",\"say \"\"hi\"\"\",\"\"\n\"\"\"\",x\n")
        #expect(Self.strings(records) == [["a", "b,c", "say \"hi\"", ""], ["\"", "x"]])
    }

    @Test("line breaks inside quotes are kept, and line numbers keep counting physical lines")
    func embeddedLineBreaks() {
        let text = "h1,h2\n1,\"two\nlines\"\n2,\"crlf\r\ninside\"\r\n3,\"cr\rinside\"\n4,\"\n\n\"\n5,end\n"
        let records = Self.read(text)
        #expect(
            Self.strings(records) == [
                ["h1", "h2"], ["1", "two\nlines"], ["2", "crlf\r\ninside"], ["3", "cr\rinside"], ["4", "\n\n"], ["5", "end"],
            ])
        #expect(records.map(\.line) == [1, 2, 4, 6, 8, 11])
    }

    @Test("CRLF, LF and lone CR all end a record and a line")
    func lineEndings() {
        let crlf = Self.read("a,b\r\nc,d\r\ne,f")
        #expect(Self.strings(crlf) == [["a", "b"], ["c", "d"], ["e", "f"]])
        #expect(crlf.map(\.line) == [1, 2, 3])
        let mixed = Self.read("a\rb\nc\r\nd\r")
        #expect(Self.strings(mixed) == [["a"], ["b"], ["c"], ["d"]])
        #expect(mixed.map(\.line) == [1, 2, 3, 4])
        // The CR of a CRLF right after a quoted field ends it; it is not part of the field.
        #expect(Self.strings(Self.read("\"q\"\r\nx")) == [["q"], ["x"]])
    }

    @Test("empty lines are skipped but counted")
    func blankLines() {
        let records = Self.read("\n\na\n\r\n\nb\n\n")
        #expect(Self.strings(records) == [["a"], ["b"]])
        #expect(records.map(\.line) == [3, 6])
        #expect(Self.read("").isEmpty)
        #expect(Self.read("\r\n\n\r").isEmpty)
    }

    @Test("empty fields: between delimiters, at the end, a lone delimiter, empty quotes")
    func emptyFields() {
        #expect(Self.strings(Self.read("a,,b\n,\na,\n\"\"\n")) == [["a", "", "b"], ["", ""], ["a", ""], [""]])
        #expect(Self.strings(Self.read(",")) == [["", ""]])
    }

    @Test("a UTF-8 byte order mark is dropped at the start of the input only")
    func byteOrderMark() {
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        let records = Self.read(bom + Array("name,x\n".utf8) + bom + Array("b\n".utf8))
        #expect(records.first?.string(at: 0) == "name")
        #expect(records.last?[0] == (bom + Array("b".utf8))[...])
        // Only the start of a BOM: kept as data.
        let partial = Self.read([0xEF, 0xBB] + Array("x\n".utf8))
        #expect(partial.first?[0] == [0xEF, 0xBB, UInt8(ascii: "x")][...])
        #expect(partial.first?.string(at: 0) == nil)
        #expect(Self.read([0xEF]).first?[0] == [0xEF][...])
        #expect(Self.read(bom).isEmpty)
    }

    @Test("the last record needs no line break, and only finish() returns it")
    func lastRecord() {
        var reader = CSVRecordReader()
        let fed = reader.feed(Array("a,b\nc,d".utf8))
        #expect(Self.strings(fed) == [["a", "b"]])
        let finished = reader.finish()
        #expect(Self.strings(finished) == [["c", "d"]])
        #expect(finished.first?.line == 2)
        // finish() leaves the reader ready for a new input, counting lines from 1 again.
        let again = reader.feed(Array("\ne\n".utf8))
        #expect(Self.strings(again) == [["e"]])
        #expect(again.first?.line == 2)
        #expect(reader.finish().isEmpty)
    }

    @Test("a stray quote inside an unquoted field, and text after a closing quote, are kept literally")
    func strayQuotes() {
        let records = Self.read("12\" pizza,a\"b\"\n\"ab\"c,\"x\" y,z\n")
        #expect(Self.strings(records) == [["12\" pizza", "a\"b\""], ["abc", "x y", "z"]])
    }

    @Test("an unterminated quote makes the rest of the input one malformed record")
    func unterminatedQuote() {
        let records = Self.read("a,b\nc,\"open\nd,e\nf\n")
        #expect(records.count == 2)
        #expect(Self.strings([records[0]]) == [["a", "b"]])
        #expect(records[1].line == 2)
        #expect(records[1].problem == "unterminated quoted field")
        #expect(records[1].count == 0)
    }

    @Test("a field over the limit makes a malformed record, and reading goes on after it")
    func oversizedField() {
        let reader = CSVRecordReader(maximumFieldBytes: 8)
        let records = Self.read("a,12345678,b\nx,123456789,y\n\"quoted 123\",z\nok,fine\n", reader: reader)
        #expect(records.count == 4)
        #expect(records[0].problem == nil)
        #expect(records[1].problem == "field longer than 8 bytes")
        #expect(records[1].count == 0)
        #expect(records[2].problem == "field longer than 8 bytes")
        #expect(records[2].line == 3)
        #expect(Self.strings([records[3]]) == [["ok", "fine"]])
        #expect(records[3].line == 4)
    }

    @Test("the default limit refuses a field of more than 64 KiB without keeping it")
    func defaultFieldLimit() {
        let long = [UInt8](repeating: UInt8(ascii: "x"), count: CSVRecordReader.defaultMaximumFieldBytes + 1)
        let exact = [UInt8](repeating: UInt8(ascii: "y"), count: CSVRecordReader.defaultMaximumFieldBytes)
        let bytes = Array("a,".utf8) + long + Array("\nb,\"".utf8) + exact + Array("\"\n".utf8)
        let records = Self.read(bytes, chunkSizes: [1000])
        #expect(records.count == 2)
        #expect(records[0].problem == "field longer than 65536 bytes")
        #expect(records[1].problem == nil)
        #expect(records[1].count == 2)
        #expect(records[1][1].count == CSVRecordReader.defaultMaximumFieldBytes)
    }

    @Test("more fields than the limit make a malformed record")
    func tooManyFields() {
        let records = Self.read("a,b,c\na,b,c,d\n,,,\nx\n", reader: CSVRecordReader(maximumFields: 3))
        #expect(records.map(\.problem) == [nil, "more than 3 fields", "more than 3 fields", nil])
        #expect(records.map(\.line) == [1, 2, 3, 4])
        let wide = Array(repeating: "1", count: 1_001).joined(separator: ",")
        #expect(Self.read(wide).first?.problem == "more than 1000 fields")
        #expect(Self.read(String(wide.dropLast(2))).first?.count == 1_000)
    }

    @Test("a record over the byte limit is malformed even when each field is short")
    func oversizedRecord() {
        let reader = CSVRecordReader(maximumFieldBytes: 4, maximumRecordBytes: 10)
        let records = Self.read("abcd,efgh,ij\nabcd,efgh,ijk\n", reader: reader)
        #expect(records.map(\.problem) == [nil, "record longer than 10 bytes"])
    }

    @Test("another delimiter")
    func semicolons() {
        let records = Self.read("a;\"b;c\";d,e\n", reader: CSVRecordReader(delimiter: UInt8(ascii: ";")))
        #expect(Self.strings(records) == [["a", "b;c", "d,e"]])
    }

    @Test("fields as text: nil for invalid UTF-8 or a field that is not there")
    func fieldText() {
        let records = Self.read(Array("größe,".utf8) + [0xC3, 0x28] + Array(",€\n".utf8))
        #expect(records.first?.string(at: 0) == "größe")
        #expect(records.first?.string(at: 1) == nil)
        #expect(records.first?[1] == [0xC3, 0x28][...])
        #expect(records.first?.string(at: 2) == "€")
        #expect(records.first?.string(at: 3) == nil)
        #expect(records.first?.string(at: -1) == nil)
        #expect(records.first?.fields == [Array("größe".utf8), [0xC3, 0x28], Array("€".utf8)])
        #expect(records.first == CSVRecord(line: 1, fields: [Array("größe".utf8), [0xC3, 0x28], Array("€".utf8)]))
    }

    @Test("input that is not contiguous in memory is read the same")
    func nonContiguousInput() {
        let bytes = Array("a,\"b\nc\"\r\nd,e\n".utf8)
        var reader = CSVRecordReader()
        let records = reader.feed(bytes.lazy.map { $0 }) + reader.finish()
        #expect(records == Self.read(bytes))
    }

    /// Tricky inputs for the chunking property: every construct the reader knows.
    static let corpus: [String] = [
        "\u{FEFF}InvoiceNo,Description,Price\r\n1,\"POSTAGE, EXTRA\",18.0\r\n\r\n2,\"say \"\"hi\"\"\r\nthere\",3\r\n",
        "a,b\rc,\"d\re\"\r\n\n\nf,\"\"\"\"\r",
        "é,ü,€,𝄞\n\"ß\nü\",\"日本語\"\r\nend",
        "x,\"unterminated\n,more\r\n",
        "12\" pizza,\"ab\"c,,\n,\n\"\"",
    ]

    @Test("chunk boundaries anywhere give the same records: byte by byte and in random chunks", arguments: corpus)
    func chunkBoundaries(text: String) {
        let bytes = Array(text.utf8)
        let whole = Self.read(bytes)
        #expect(!whole.isEmpty)
        #expect(Self.read(bytes, chunkSizes: [1]) == whole)
        var generator = SplitMix64(seed: 42)
        for _ in 0..<200 {
            let sizes = (0..<bytes.count).map { _ in Int.random(in: 1...7, using: &generator) }
            #expect(Self.read(bytes, chunkSizes: sizes) == whole)
        }
    }

    @Test("random records written as CSV read back exactly, with their line numbers, however the input is chunked")
    func roundTrip() {
        var generator = SplitMix64(seed: 7)
        let alphabet: [String] = ["a", "Z", "0", " ", ",", "\"", "\n", "\r", "\r\n", "é", "€", "𝄞", ";", "'"]
        for _ in 0..<150 {
            var expected: [(line: Int, fields: [String])] = []
            var text = Int.random(in: 0...3, using: &generator) == 0 ? "\u{FEFF}" : ""
            var line = 1
            for _ in 0..<Int.random(in: 1...12, using: &generator) {
                // Empty lines as CRLF, so that they never merge with a CR ending the record before.
                for _ in 0..<Int.random(in: 0...2, using: &generator) {
                    text += "\r\n"
                    line += 1
                }
                let fields = (0..<Int.random(in: 1...5, using: &generator)).map { _ in
                    (0..<Int.random(in: 0...6, using: &generator)).map { _ in alphabet.randomElement(using: &generator) ?? "" }
                        .joined()
                }
                // A record of one empty field would be an empty line; quote it.
                let encoded = fields.map { field in
                    let needsQuotes =
                        field.isEmpty && fields.count == 1 || field.contains(",") || field.contains("\"")
                        || field.contains("\n") || field.contains("\r")
                    return needsQuotes ? "\"" + field.replacing("\"", with: "\"\"") + "\"" : field
                }
                .joined(separator: ",")
                expected.append((line, fields))
                text += encoded
                line += Self.lineBreaks(in: encoded)
                let ending = ["\n", "\r\n", "\r"].randomElement(using: &generator) ?? "\n"
                text += ending
                line += 1
            }
            let bytes = Array(text.utf8)
            let sizes = (0..<bytes.count).map { _ in Int.random(in: 1...9, using: &generator) }
            let records = Self.read(bytes, chunkSizes: sizes)
            #expect(records.map(\.line) == expected.map(\.line), "\(text.debugDescription)")
            #expect(Self.strings(records) == expected.map(\.fields), "\(text.debugDescription)")
            #expect(records.allSatisfy { $0.problem == nil })
        }
    }

    /// Physical line breaks in `text`: a CR, an LF, or a CRLF each count once.
    static func lineBreaks(in text: String) -> Int {
        var count = 0
        var previous: UInt8 = 0
        for byte in text.utf8 {
            if byte == UInt8(ascii: "\r") || (byte == UInt8(ascii: "\n") && previous != UInt8(ascii: "\r")) { count += 1 }
            previous = byte
        }
        return count
    }

    @Test("reads a file of many UCI-shaped rows in 64 KiB chunks")
    func volume() {
        var text = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\r\n"
        for row in 0..<20_000 {
            text += "\(536_365 + row / 20),85123A,\"WHITE \"\"HANGING\"\" HEART, T-LIGHT \(row)\",6,12/1/2010 8:26,2.55,17850,United Kingdom\r\n"
        }
        let records = Self.read(Array(text.utf8), chunkSizes: [65_536])
        #expect(records.count == 20_001)
        #expect(records.last?.line == 20_001)
        #expect(records.last?.string(at: 2) == "WHITE \"HANGING\" HEART, T-LIGHT 19999")
        #expect(records.allSatisfy { $0.count == 8 && $0.problem == nil })
    }
}
