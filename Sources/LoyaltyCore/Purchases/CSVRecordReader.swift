/// An incremental RFC 4180 CSV parser working on bytes.
///
/// Feed it the file in chunks of any size with ``feed(_:)``; it returns the records completed so far
/// and keeps the unfinished one. Call ``finish()`` at the end of the input for the last record.
/// Chunks may end anywhere: inside quotes, between CR and LF, inside a multi-byte UTF-8 sequence.
///
/// - Quoted fields may hold the delimiter, doubled quotes (`""` for `"`) and line breaks;
///   ``CSVRecord/line`` still counts physical lines (CRLF, LF or a lone CR each end one line).
/// - Records end with CRLF, LF or CR. Empty lines are skipped. A UTF-8 byte order mark at the very
///   start of the input is dropped.
/// - A quote inside an unquoted field is kept literally (`12" pizza`), and so is text after a
///   closing quote (`"12"x` reads as `12x`), as most spreadsheet tools do.
/// - Memory is bounded: a field longer than ``maximumFieldBytes``, a record longer than
///   ``maximumRecordBytes`` or with more than ``maximumFields`` fields is returned as a record with a
///   ``CSVRecord/problem`` and no fields, and the bytes up to its end are skipped rather than kept.
///   A quote left open at the end of the input is such a problem too.
public struct CSVRecordReader: Sendable {
    /// The default for ``maximumFieldBytes``: 64 KiB.
    public static let defaultMaximumFieldBytes = 65_536
    /// The default for ``maximumFields``.
    public static let defaultMaximumFields = 1_000
    /// The default for ``maximumRecordBytes``: 1 MiB.
    public static let defaultMaximumRecordBytes = 1_048_576

    /// The byte between fields, a comma unless told otherwise.
    public let delimiter: UInt8
    /// The longest field kept, in bytes (after removing quotes).
    public let maximumFieldBytes: Int
    /// The most fields a record may have.
    public let maximumFields: Int
    /// The longest record kept, in bytes of field content.
    public let maximumRecordBytes: Int

    private enum State: Sendable {
        /// Between records: line breaks here are empty lines.
        case recordStart
        /// At the start of a field, after a delimiter or at the start of a record.
        case fieldStart
        /// Inside a field that did not start with a quote.
        case unquoted
        /// Inside a quoted field.
        case quoted
        /// Just after a quote inside a quoted field: a second quote, the end of the field, or junk.
        case quoteInQuoted
    }

    private static let quote = UInt8(ascii: "\"")
    private static let carriageReturn = UInt8(ascii: "\r")
    private static let lineFeed = UInt8(ascii: "\n")
    private static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    private var state = State.recordStart
    /// The physical line of the next byte.
    private var line = 1
    /// Whether the previous byte was a CR, so that the LF of a CRLF does not count as another line.
    private var afterCarriageReturn = false
    private var recordLine = 1
    private var storage: [UInt8] = []
    private var fieldEnds: [Int] = []
    private var fieldStart = 0
    private var problem: String?
    /// False until the input is known to start, or not to start, with a byte order mark.
    private var startDecided = false
    /// The first bytes of the input while they may still be the start of a byte order mark.
    private var pendingStart: [UInt8] = []

    /// Creates a reader.
    /// - Precondition: `delimiter` is not a quote, CR or LF, and the limits are positive.
    public init(
        delimiter: UInt8 = UInt8(ascii: ","),
        maximumFieldBytes: Int = CSVRecordReader.defaultMaximumFieldBytes,
        maximumFields: Int = CSVRecordReader.defaultMaximumFields,
        maximumRecordBytes: Int = CSVRecordReader.defaultMaximumRecordBytes
    ) {
        precondition(
            delimiter != Self.quote && delimiter != Self.carriageReturn && delimiter != Self.lineFeed,
            "a CSV delimiter cannot be a quote or a line break")
        precondition(maximumFieldBytes > 0 && maximumFields > 0 && maximumRecordBytes > 0, "CSV limits must be positive")
        self.delimiter = delimiter
        self.maximumFieldBytes = maximumFieldBytes
        self.maximumFields = maximumFields
        self.maximumRecordBytes = maximumRecordBytes
    }

    /// Reads the next chunk of input and returns the records it completes, in order.
    public mutating func feed(_ bytes: some Collection<UInt8>) -> [CSVRecord] {
        var records: [CSVRecord] = []
        let handled: Void? = bytes.withContiguousStorageIfAvailable { buffer in
            consume(buffer, into: &records)
        }
        if handled == nil {
            Array(bytes).withUnsafeBufferPointer { buffer in
                consume(buffer, into: &records)
            }
        }
        return records
    }

    /// Ends the input and returns the last record if it was not followed by a line break (or is malformed
    /// because a quote was left open). The reader is then ready for a new input.
    public mutating func finish() -> [CSVRecord] {
        var records: [CSVRecord] = []
        if !startDecided {
            startDecided = true
            let pending = pendingStart
            pendingStart = []
            pending.withUnsafeBufferPointer { parse($0, into: &records) }
        }
        switch state {
        case .recordStart:
            break
        case .quoted:
            fail("unterminated quoted field")
            endRecord(into: &records)
        case .fieldStart, .unquoted, .quoteInQuoted:
            endRecord(into: &records)
        }
        self = CSVRecordReader(
            delimiter: delimiter, maximumFieldBytes: maximumFieldBytes, maximumFields: maximumFields,
            maximumRecordBytes: maximumRecordBytes)
        return records
    }

    /// Drops a byte order mark at the start of the input (which may arrive a byte at a time), then parses.
    private mutating func consume(_ input: UnsafeBufferPointer<UInt8>, into records: inout [CSVRecord]) {
        guard !startDecided else {
            parse(input, into: &records)
            return
        }
        var index = 0
        while index < input.count, pendingStart.count < Self.byteOrderMark.count,
            input[index] == Self.byteOrderMark[pendingStart.count]
        {
            pendingStart.append(input[index])
            index += 1
        }
        if pendingStart.count == Self.byteOrderMark.count {
            startDecided = true
            pendingStart = []
        } else if index < input.count {
            startDecided = true
            let pending = pendingStart
            pendingStart = []
            pending.withUnsafeBufferPointer { parse($0, into: &records) }
        } else {
            return
        }
        parse(UnsafeBufferPointer(rebasing: input[index...]), into: &records)
    }

    private mutating func parse(_ input: UnsafeBufferPointer<UInt8>, into records: inout [CSVRecord]) {
        let end = input.count
        var index = 0
        while index < end {
            let byte = input[index]
            if byte == Self.lineFeed || byte == Self.carriageReturn {
                if byte == Self.carriageReturn {
                    line += 1
                    afterCarriageReturn = true
                } else {
                    if !afterCarriageReturn { line += 1 }
                    afterCarriageReturn = false
                }
                switch state {
                case .recordStart:
                    break
                case .quoted:
                    append(input, index..<index + 1)
                case .fieldStart, .unquoted, .quoteInQuoted:
                    endRecord(into: &records)
                }
                index += 1
                continue
            }
            afterCarriageReturn = false
            switch state {
            case .recordStart:
                recordLine = line
                state = .fieldStart
            case .fieldStart:
                if byte == Self.quote {
                    state = .quoted
                    index += 1
                } else if byte == delimiter {
                    closeField()
                    index += 1
                } else {
                    state = .unquoted
                }
            case .unquoted:
                var runEnd = index
                while runEnd < end {
                    let next = input[runEnd]
                    if next == delimiter || next == Self.lineFeed || next == Self.carriageReturn { break }
                    runEnd += 1
                }
                append(input, index..<runEnd)
                index = runEnd
                if index < end, input[index] == delimiter {
                    closeField()
                    state = .fieldStart
                    index += 1
                }
            case .quoted:
                var runEnd = index
                while runEnd < end {
                    let next = input[runEnd]
                    if next == Self.quote || next == Self.lineFeed || next == Self.carriageReturn { break }
                    runEnd += 1
                }
                append(input, index..<runEnd)
                index = runEnd
                if index < end, input[index] == Self.quote {
                    state = .quoteInQuoted
                    index += 1
                }
            case .quoteInQuoted:
                if byte == delimiter {
                    closeField()
                    state = .fieldStart
                } else {
                    // `""` is an escaped quote; anything else after a closing quote is kept as it is.
                    append(input, index..<index + 1)
                    state = byte == Self.quote ? .quoted : .unquoted
                }
                index += 1
            }
        }
    }

    private mutating func append(_ input: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) {
        guard problem == nil, !range.isEmpty else { return }
        if storage.count - fieldStart + range.count > maximumFieldBytes {
            fail("field longer than \(maximumFieldBytes) bytes")
        } else if storage.count + range.count > maximumRecordBytes {
            fail("record longer than \(maximumRecordBytes) bytes")
        } else {
            storage.append(contentsOf: UnsafeBufferPointer(rebasing: input[range]))
        }
    }

    private mutating func closeField() {
        guard problem == nil else { return }
        guard fieldEnds.count + 1 < maximumFields else {
            fail("more than \(maximumFields) fields")
            return
        }
        fieldEnds.append(storage.count)
        fieldStart = storage.count
    }

    /// Marks the current record malformed and lets go of what was kept of it.
    private mutating func fail(_ reason: String) {
        guard problem == nil else { return }
        problem = reason
        storage = []
        fieldEnds = []
        fieldStart = 0
    }

    private mutating func endRecord(into records: inout [CSVRecord]) {
        if problem == nil { fieldEnds.append(storage.count) }
        let sizeHint = min(storage.count, 4_096)
        let fieldHint = min(fieldEnds.count, 64)
        records.append(CSVRecord(line: recordLine, storage: storage, fieldEnds: fieldEnds, problem: problem))
        storage = []
        storage.reserveCapacity(sizeHint)
        fieldEnds = []
        fieldEnds.reserveCapacity(fieldHint)
        fieldStart = 0
        problem = nil
        state = .recordStart
    }
}
