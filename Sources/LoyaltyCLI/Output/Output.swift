import Foundation

/// Writes command results to standard output in the chosen format.
struct Output: Sendable {
    let format: OutputFormat

    /// One record: a two-column table of fields, its JSON form, a one-row CSV, or an HTML page with the table.
    func record(_ fields: [(String, String)], json: some Encodable) throws {
        switch format {
        case .table:
            let width = fields.map(\.0.count).max() ?? 0
            for (key, value) in fields {
                write(key.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + value)
            }
        case .json:
            write(try Self.json(json))
        case .csv:
            write(CSV.document(columns: fields.map(\.0), rows: [fields.map(\.1)]))
        case .html:
            var page = HTMLDocument(title: Self.htmlTitle)
            page.fields(fields)
            write(page.render())
        }
    }

    /// A list of rows under column headers (in HTML, one page with the table).
    func list(columns: [String], rows: [[String]], json: some Encodable) throws {
        switch format {
        case .table:
            write(TableRenderer.render(columns: columns, rows: rows))
        case .json:
            write(try Self.json(json))
        case .csv:
            write(CSV.document(columns: columns, rows: rows))
        case .html:
            var page = HTMLDocument(title: Self.htmlTitle)
            page.table(columns: columns, rows: rows)
            write(page.render())
        }
    }

    /// The title of the HTML page of a list or a record.
    static let htmlTitle = "Loyalty"

    /// A plain line for people (ignored by the json, csv and html formats unless `always`).
    func message(_ text: String, always: Bool = false) {
        if format == .table || always { write(text) }
    }

    /// A line on standard error: a warning that does not stop the command (a skipped line of a file).
    func warning(_ text: String) {
        try? FileHandle.standardError.write(contentsOf: Data((text + "\n").utf8))
    }

    func write(_ text: String) {
        do {
            try FileHandle.standardOutput.write(contentsOf: Data((text + "\n").utf8))
        } catch {
            // The reader went away (`loyalty … | head`): stop quietly, as command-line tools do.
            exit(0)
        }
    }

    static func json(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}

/// RFC 4180 quoting.
enum CSV {
    /// A header line and one line per row, separated by line feeds (no final one).
    static func document(columns: [String], rows: [[String]]) -> String {
        ([columns] + rows).map { $0.map(escape).joined(separator: ",") }.joined(separator: "\n")
    }

    static func escape(_ field: String) -> String {
        var needsQuotes = field.contains(",") || field.contains("\"") || field.contains("\n") || field.contains("\r")
        // Cells that spreadsheets would run as formulas are quoted and prefixed.
        var value = field
        if let first = field.first, "=+-@".contains(first), !isDecimal(field) {
            value = "'" + field
            needsQuotes = true
        }
        guard needsQuotes else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// A signed whole or decimal number (`-12`, `-12.50`): data, not a formula.
    static func isDecimal(_ field: String) -> Bool {
        guard field.first == "-" || field.first == "+" else { return false }
        let digits = field.utf8.dropFirst()
        guard let first = digits.first, first != UInt8(ascii: "."), digits.last != UInt8(ascii: ".") else { return false }
        return digits.filter { $0 == UInt8(ascii: ".") }.count <= 1
            && digits.allSatisfy { ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) || $0 == UInt8(ascii: ".") }
    }
}
