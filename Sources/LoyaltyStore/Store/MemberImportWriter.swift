import LoyaltyCore
import NIOCore
import PostgresNIO

/// Streams validated member rows into the import's temporary table with COPY, in PostgreSQL's text format,
/// buffering about 256 KiB per write.
public final class MemberImportWriter {
    private let writer: PostgresCopyFromWriter
    private var buffer = ByteBuffer()
    private static let flushSize = 256 * 1024

    init(_ writer: PostgresCopyFromWriter) {
        self.writer = writer
        buffer.reserveCapacity(Self.flushSize + 4096)
    }

    /// Queues `rows` and sends them when enough have gathered.
    public func write(_ rows: some Sequence<MemberImportRow>) async throws {
        for row in rows { Self.append(row, to: &buffer) }
        if buffer.readableBytes >= Self.flushSize { try await flush() }
    }

    func flush() async throws {
        guard buffer.readableBytes > 0 else { return }
        try await writer.write(buffer)
        buffer.clear()
    }

    /// One row, in the column order of `member_import_rows`; tab-separated, `\N` for null.
    static func append(_ row: MemberImportRow, to buffer: inout ByteBuffer) {
        let texts: [String?] = [
            row.firstName, row.lastName, row.email?.value, row.phone?.e164, row.birthDate?.description, row.addressLine1,
            row.addressLine2, row.postalCode, row.city, row.country, row.preferredStore, row.sourceChannel, row.sourceCampaign,
            row.externalID, row.emailConsent.map { $0 ? "t" : "f" }, row.smsConsent.map { $0 ? "t" : "f" },
            // Tags are letters, digits, `-`, `_` and `.`; quoted, so that a tag `null` is not read as NULL.
            row.tags.map { "{" + $0.map { "\"\($0)\"" }.joined(separator: ",") + "}" },
        ]
        buffer.writeString(String(row.line))
        for text in texts {
            buffer.writeInteger(UInt8(ascii: "\t"))
            if let text { PurchaseLineWriter.appendEscaped(text, to: &buffer) } else { buffer.writeString("\\N") }
        }
        buffer.writeInteger(UInt8(ascii: "\n"))
    }
}
