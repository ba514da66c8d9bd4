import Crypto
import Foundation
import LoyaltyCore
import LoyaltyStore

/// Reads an import file in chunks, hashing it, parsing its CSV records with the mapping, handing good lines
/// to the store's COPY writer and collecting the lines it skips. Reports progress on standard error.
struct PurchaseImportFile {
    let path: String
    let mapping: PurchaseImportMapping
    var progress: ImportProgress?
    /// Lines that could not be read, by line number.
    private(set) var problems: [PurchaseImportProblem] = []

    static let chunkSize = 1 << 20

    init(path: String, mapping: PurchaseImportMapping, progress: ImportProgress?) {
        self.path = path
        self.mapping = mapping
        self.progress = progress
    }

    /// Streams the file through `writer`; returns what was read.
    mutating func copy(to writer: PurchaseLineWriter) async throws -> PurchaseImportTally {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw LoyaltyError(.badArgument, "cannot read \(path)")
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        var reader = CSVRecordReader()
        var parser: PurchaseLineParser?
        var lines = 0
        var bytesRead = 0
        var good: [PurchaseImportLine] = []
        good.reserveCapacity(16_384)

        func take(_ records: [CSVRecord]) throws {
            for record in records {
                guard let lineParser = parser else {
                    if let problem = record.problem {
                        throw LoyaltyError(.badArgument, "\(path): the header line cannot be read: \(problem)")
                    }
                    parser = try PurchaseLineParser(mapping: mapping, header: record)
                    continue
                }
                lines += 1
                switch lineParser.parse(record) {
                case .success(let line): good.append(line)
                case .failure(let problem): problems.append(problem)
                }
            }
        }

        while let chunk = try handle.read(upToCount: Self.chunkSize), !chunk.isEmpty {
            hasher.update(data: chunk)
            bytesRead += chunk.count
            try take(reader.feed(chunk))
            try await writer.write(good)
            good.removeAll(keepingCapacity: true)
            progress?.report(bytes: bytesRead, lines: lines)
        }
        try take(reader.finish())
        try await writer.write(good)
        guard parser != nil else { throw LoyaltyError(.badArgument, "\(path) is empty: no header line") }
        progress?.finish(bytes: bytesRead, lines: lines)
        return PurchaseImportTally(sha256: Array(hasher.finalize()), lines: lines, skippedLines: problems.count)
    }
}
