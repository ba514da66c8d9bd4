/// One record of a CSV file: its fields as raw bytes, quotes removed and `""` unescaped.
///
/// The fields of a record share one byte buffer (two allocations per record, whatever the
/// number of fields), which is what keeps ``CSVRecordReader`` fast on large files. Read a field
/// with ``subscript(_:)`` (bytes) or ``string(at:)`` (text).
///
/// A record that could not be read whole has a ``problem`` and no fields.
public struct CSVRecord: Sendable, Hashable {
    /// The 1-based physical line of the file on which the record starts.
    public let line: Int
    /// Why the record is malformed (a field or the record too long, too many fields, an unterminated
    /// quote), or nil for a well-formed record. A malformed record has no fields.
    public let problem: String?
    /// The bytes of all fields, one after the other.
    private let storage: [UInt8]
    /// Where each field ends in `storage`; field `i` starts where field `i - 1` ends.
    private let fieldEnds: [Int]

    /// A record with the given fields, as the reader would produce it.
    public init(line: Int, fields: [[UInt8]], problem: String? = nil) {
        var storage: [UInt8] = []
        var fieldEnds: [Int] = []
        if problem == nil {
            storage.reserveCapacity(fields.reduce(0) { $0 + $1.count })
            fieldEnds.reserveCapacity(fields.count)
            for field in fields {
                storage.append(contentsOf: field)
                fieldEnds.append(storage.count)
            }
        }
        self.init(line: line, storage: storage, fieldEnds: fieldEnds, problem: problem)
    }

    /// A record with the given fields, written as text.
    public init(line: Int, strings: [String]) {
        self.init(line: line, fields: strings.map { Array($0.utf8) })
    }

    init(line: Int, storage: [UInt8], fieldEnds: [Int], problem: String?) {
        self.line = line
        self.storage = storage
        self.fieldEnds = fieldEnds
        self.problem = problem
    }

    /// The number of fields.
    public var count: Int { fieldEnds.count }

    /// The bytes of field `index`.
    /// - Precondition: `index` is in `0..<count`.
    public subscript(_ index: Int) -> ArraySlice<UInt8> {
        precondition(index >= 0 && index < fieldEnds.count, "CSV field index out of range")
        let start = index == 0 ? 0 : fieldEnds[index - 1]
        return storage[start..<fieldEnds[index]]
    }

    /// The fields as separate byte arrays (a copy; prefer ``subscript(_:)`` on hot paths).
    public var fields: [[UInt8]] {
        (0..<count).map { Array(self[$0]) }
    }

    /// Field `index` as text, or nil when the record has no such field or the bytes are not valid UTF-8.
    public func string(at index: Int) -> String? {
        guard index >= 0, index < count else { return nil }
        return Self.string(validating: self[index])
    }

    /// The bytes as text, or nil when they are not valid UTF-8. ASCII, the common case, skips the
    /// (unspecialised, slower) general validation.
    static func string(validating bytes: ArraySlice<UInt8>) -> String? {
        if bytes.allSatisfy({ $0 < 0x80 }) { return String(decoding: bytes, as: UTF8.self) }
        return String(validating: bytes, as: UTF8.self)
    }
}
