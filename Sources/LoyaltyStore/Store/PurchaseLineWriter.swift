import LoyaltyCore
import NIOCore
import PostgresNIO

/// Streams good import lines into the import's temporary table with COPY, in PostgreSQL's text format,
/// buffering about 256 KiB per write.
public final class PurchaseLineWriter {
    private let writer: PostgresCopyFromWriter
    private var buffer = ByteBuffer()
    /// The currencies the lines named, whose minor digits the merge needs.
    private(set) var currencies: Set<Currency> = []
    private static let flushSize = 256 * 1024

    init(_ writer: PostgresCopyFromWriter) {
        self.writer = writer
        buffer.reserveCapacity(Self.flushSize + 4096)
    }

    /// Queues `lines` and sends them when enough have gathered.
    public func write(_ lines: some Sequence<PurchaseImportLine>) async throws {
        for line in lines {
            Self.append(line, to: &buffer)
            if let currency = line.currency { currencies.insert(currency) }
        }
        if buffer.readableBytes >= Self.flushSize { try await flush() }
    }

    func flush() async throws {
        guard buffer.readableBytes > 0 else { return }
        try await writer.write(buffer)
        buffer.clear()
    }

    /// One row: line, receipt, customer, purchased_at, amount, store, currency; tab-separated, `\N` for null.
    static func append(_ line: PurchaseImportLine, to buffer: inout ByteBuffer) {
        buffer.writeString(String(line.line))
        buffer.writeInteger(UInt8(ascii: "\t"))
        appendEscaped(line.receipt, to: &buffer)
        buffer.writeInteger(UInt8(ascii: "\t"))
        appendEscaped(line.customer, to: &buffer)
        buffer.writeInteger(UInt8(ascii: "\t"))
        buffer.writeString(line.purchasedAt.sqlText)
        buffer.writeInteger(UInt8(ascii: "\t"))
        buffer.writeString(line.amount.sqlText)
        buffer.writeInteger(UInt8(ascii: "\t"))
        if let store = line.store { appendEscaped(store, to: &buffer) } else { buffer.writeString("\\N") }
        buffer.writeInteger(UInt8(ascii: "\t"))
        if let currency = line.currency { buffer.writeString(currency.code) } else { buffer.writeString("\\N") }
        buffer.writeInteger(UInt8(ascii: "\n"))
    }

    /// COPY text format: backslash, tab, newline and carriage return are escaped.
    static func appendEscaped(_ text: String, to buffer: inout ByteBuffer) {
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\\"): buffer.writeString("\\\\")
            case UInt8(ascii: "\t"): buffer.writeString("\\t")
            case UInt8(ascii: "\n"): buffer.writeString("\\n")
            case UInt8(ascii: "\r"): buffer.writeString("\\r")
            default: buffer.writeInteger(byte)
            }
        }
    }
}
