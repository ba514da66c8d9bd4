import Crypto
import Foundation
import LoyaltyCore

/// Reads a CSV import file in chunks of a megabyte: hashes every byte, reads the header line into a row
/// parser, parses the records after it and hands the good rows, a chunk at a time, to a writer (the
/// store's COPY). Rows the parser refuses are collected with their line; progress goes to standard error.
///
/// A header line that cannot be read as CSV (an open quote, a stray quote) refuses the whole file: its
/// column names are what every later row is read by.
struct CSVImportFile<Parser: CSVImportRowParser> {
    let path: String
    var progress: ImportProgress?
    /// Rows that could not be read or failed validation, in file order.
    private(set) var problems: [Parser.Problem] = []

    static var chunkSize: Int { 1 << 20 }

    init(path: String, progress: ImportProgress?) {
        self.path = path
        self.progress = progress
    }

    /// Streams the file: `header` builds the parser from the first record, `write` takes each chunk's good
    /// rows. Returns the file's SHA-256 and the number of records after the header.
    mutating func copy(
        header: (CSVRecord) throws -> Parser, write: ([Parser.Row]) async throws -> Void
    ) async throws -> (sha256: [UInt8], rows: Int) {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw LoyaltyError(.badArgument, "cannot read \(path)") }
        defer { try? handle.close() }
        var hasher = SHA256()
        var reader = CSVRecordReader()
        var parser: Parser?
        var rows = 0
        var bytesRead = 0
        var good: [Parser.Row] = []

        func take(_ records: [CSVRecord]) throws {
            for record in records {
                guard let rowParser = parser else {
                    if let problem = record.problem {
                        throw LoyaltyError(.badArgument, "\(path): the header line cannot be read: \(problem)")
                    }
                    parser = try header(record)
                    continue
                }
                rows += 1
                switch rowParser.parse(record) {
                case .success(let row): good.append(row)
                case .failure(let problem): problems.append(problem)
                }
            }
        }

        while let chunk = try handle.read(upToCount: Self.chunkSize), !chunk.isEmpty {
            hasher.update(data: chunk)
            bytesRead += chunk.count
            try take(reader.feed(chunk))
            try await write(good)
            good.removeAll(keepingCapacity: true)
            progress?.report(bytes: bytesRead, lines: rows)
        }
        try take(reader.finish())
        try await write(good)
        guard parser != nil else { throw LoyaltyError(.badArgument, "\(path) is empty: no header line") }
        progress?.finish(bytes: bytesRead, lines: rows)
        return (Array(hasher.finalize()), rows)
    }
}
