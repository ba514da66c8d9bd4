import Crypto
import Foundation
import LoyaltyCore
import LoyaltyStore

/// Reads a member import file in chunks, hashing it, parsing its CSV records into validated rows, handing
/// them to the store's COPY writer and collecting the rows it refuses. Reports progress on standard error.
struct MemberImportFile {
    let path: String
    let mapping: MemberImportMapping
    let key: MemberImportKey
    let region: PhoneNumber.Region
    var progress: ImportProgress?
    /// Rows that could not be read or failed validation, by line.
    private(set) var problems: [MemberImportProblem] = []

    static let chunkSize = 1 << 20

    /// Streams the file through `writer`; returns what was read.
    mutating func copy(to writer: MemberImportWriter) async throws -> MemberImportTally {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw LoyaltyError(.badArgument, "cannot read \(path)") }
        defer { try? handle.close() }
        var hasher = SHA256()
        var reader = CSVRecordReader()
        var parser: MemberImportParser?
        var rows = 0
        var bytesRead = 0
        var good: [MemberImportRow] = []

        func take(_ records: [CSVRecord]) throws {
            for record in records {
                guard let rowParser = parser else {
                    parser = try MemberImportParser(mapping: mapping, header: record, key: key, defaultRegion: region)
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
            try await writer.write(good)
            good.removeAll(keepingCapacity: true)
            progress?.report(bytes: bytesRead, lines: rows)
        }
        try take(reader.finish())
        try await writer.write(good)
        guard parser != nil else { throw LoyaltyError(.badArgument, "\(path) is empty: no header line") }
        progress?.finish(bytes: bytesRead, lines: rows)
        return MemberImportTally(sha256: Array(hasher.finalize()), rows: rows, skippedRows: problems.count)
    }
}
