import NIOCore

/// Writes the bench's request lines straight into a `ByteBuffer`: card numbers, codes and the run's
/// request-id prefix are bytes prepared once, so that a request costs no string formatting.
struct RequestWriter {
    /// `<run id>-`: every `req` of the run starts with it, followed by the connection's counter.
    private let requestPrefix: [UInt8]
    private let members: [[UInt8]]
    private let giftCards: [[UInt8]]

    init(runID: String, members: [String], giftCards: [String]) {
        requestPrefix = Array((runID + "-").utf8)
        self.members = members.map { Array($0.utf8) }
        self.giftCards = giftCards.map { Array($0.utf8) }
    }

    /// The `req` id of the connection's request number `counter`.
    func requestID(_ counter: UInt64) -> String {
        String(decoding: requestPrefix, as: UTF8.self) + String(counter)
    }

    /// Writes one request line (with its LF). `counter` is the `req` number of a mutating request;
    /// `reversing` the `req` number of the earlier `EARN` a `REVERSE` takes back.
    func write(
        _ operation: BenchOperation, counter: UInt64, reversing: UInt64, into buffer: inout ByteBuffer,
        random: inout BenchRandom
    ) {
        switch operation {
        case .earn:
            buffer.writeStaticString("EARN req=")
            writeRequestID(counter, into: &buffer)
            writeMember(into: &buffer, random: &random)
            buffer.writeStaticString(" amount=")
            writeCents(100 + random.below(9_900), into: &buffer)
            buffer.writeStaticString(" currency=EUR")
        case .balance:
            buffer.writeStaticString("BALANCE")
            writeMember(into: &buffer, random: &random)
        case .member:
            buffer.writeStaticString("MEMBER")
            writeMember(into: &buffer, random: &random)
        case .redeem:
            buffer.writeStaticString("REDEEM req=")
            writeRequestID(counter, into: &buffer)
            writeMember(into: &buffer, random: &random)
            buffer.writeStaticString(" points=")
            writeDecimal(UInt64(1 + random.below(20)), into: &buffer)
        case .giftRedeem:
            buffer.writeStaticString("GIFT REDEEM req=")
            writeRequestID(counter, into: &buffer)
            writeGiftCard(into: &buffer, random: &random)
            buffer.writeStaticString(" amount=")
            writeCents(50 + random.below(1_950), into: &buffer)
            buffer.writeStaticString(" currency=EUR")
        case .giftBalance:
            buffer.writeStaticString("GIFT BALANCE")
            writeGiftCard(into: &buffer, random: &random)
        case .reverse:
            buffer.writeStaticString("REVERSE req=")
            writeRequestID(counter, into: &buffer)
            buffer.writeStaticString(" of=")
            writeRequestID(reversing, into: &buffer)
        }
        buffer.writeInteger(UInt8(ascii: "\n"))
    }

    private func writeRequestID(_ counter: UInt64, into buffer: inout ByteBuffer) {
        buffer.writeBytes(requestPrefix)
        writeDecimal(counter, into: &buffer)
    }

    private func writeMember(into buffer: inout ByteBuffer, random: inout BenchRandom) {
        buffer.writeStaticString(" member=")
        buffer.writeBytes(members[random.below(members.count)])
    }

    private func writeGiftCard(into buffer: inout ByteBuffer, random: inout BenchRandom) {
        buffer.writeStaticString(" code=")
        buffer.writeBytes(giftCards[random.below(giftCards.count)])
    }

    /// `1234` → `12.34`.
    private func writeCents(_ cents: Int, into buffer: inout ByteBuffer) {
        writeDecimal(UInt64(cents / 100), into: &buffer)
        buffer.writeInteger(UInt8(ascii: "."))
        buffer.writeInteger(UInt8(ascii: "0") + UInt8(cents % 100 / 10))
        buffer.writeInteger(UInt8(ascii: "0") + UInt8(cents % 10))
    }

    private func writeDecimal(_ value: UInt64, into buffer: inout ByteBuffer) {
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        var rest = value
        withUnsafeMutableBytes(of: &digits) { bytes in
            repeat {
                bytes[19 - count] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
                count += 1
            } while rest > 0
            buffer.writeBytes(UnsafeRawBufferPointer(rebasing: bytes[(20 - count)...]))
        }
    }
}
