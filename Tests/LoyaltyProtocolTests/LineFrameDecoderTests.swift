import LoyaltyProtocol
import NIOCore
import NIOEmbedded
import NIOTestUtils
import Testing

@Suite("LineFrameDecoder")
struct LineFrameDecoderTests {
    private static func line(_ text: String) -> Frame { .line(ByteBuffer(string: text)) }

    @Test("splits lines fed at once, in pieces and byte by byte")
    func verifier() throws {
        let maximum = 16
        let longest = String(repeating: "x", count: maximum)
        try ByteToMessageDecoderVerifier.verifyDecoder(
            stringInputOutputPairs: [
                ("PING\n", [Self.line("PING")]),
                ("HELP\r\n", [Self.line("HELP")]),
                ("\n", [Self.line("")]),
                ("\r\n", [Self.line("")]),
                ("x\r\r\n", [Self.line("x\r")]),
                ("a\rb\n", [Self.line("a\rb")]),
                ("A\nB\n", [Self.line("A"), Self.line("B")]),
                ("  \t\n", [Self.line("  \t")]),
                ("\(longest)\n", [Self.line(longest)]),
                ("\(longest)\r\n", [Self.line(longest)]),
                ("Grüße\n", [Self.line("Grüße")]),
            ],
            decoderFactory: { LineFrameDecoder(maximumLineLength: maximum) })
    }

    @Test("the default limit is 8192 bytes")
    func defaultLimit() throws {
        let longest = String(repeating: "y", count: 8192)
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(LineFrameDecoder()))
        try channel.writeInbound(ByteBuffer(string: "\(longest)\r\n\(longest)\n\(longest)z\n"))
        #expect(try channel.readInbound(as: Frame.self) == Self.line(longest))
        #expect(try channel.readInbound(as: Frame.self) == Self.line(longest))
        #expect(try channel.readInbound(as: Frame.self) == .tooLong)
        #expect(try channel.finish().isClean)
    }

    @Test("a line one byte too long is reported once, then input is discarded", arguments: ["\n", "\r\n"])
    func tooLong(terminator: String) throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(LineFrameDecoder(maximumLineLength: 8)))
        try channel.writeInbound(ByteBuffer(string: "PING\n123456789\(terminator)PING\nQUIT\n"))
        #expect(try channel.readInbound(as: Frame.self) == Self.line("PING"))
        #expect(try channel.readInbound(as: Frame.self) == .tooLong)
        #expect(try channel.readInbound(as: Frame.self) == nil)
        try channel.writeInbound(ByteBuffer(string: "PING\n"))
        #expect(try channel.readInbound(as: Frame.self) == nil)
        #expect(try channel.finish().isClean)
    }

    @Test("the limit excludes CR and LF")
    func limitExcludesTerminator() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(LineFrameDecoder(maximumLineLength: 8)))
        try channel.writeInbound(ByteBuffer(string: "12345678\r\n12345678\n"))
        #expect(try channel.readInbound(as: Frame.self) == Self.line("12345678"))
        #expect(try channel.readInbound(as: Frame.self) == Self.line("12345678"))
        #expect(try channel.finish().isClean)
    }

    @Test("reports a line without newline as soon as it passes the limit, and never buffers more")
    func neverBuffersMore() throws {
        let maximum = 8192
        // The handler fails with PayloadTooLargeError if the decoder ever leaves more than this unconsumed.
        let handler = ByteToMessageHandler(LineFrameDecoder(maximumLineLength: maximum), maximumBufferSize: maximum + 1)
        let channel = EmbeddedChannel(handler: handler)
        let chunk = ByteBuffer(repeating: UInt8(ascii: "A"), count: 1000)
        for _ in 0..<8 { try channel.writeInbound(chunk) }
        #expect(try channel.readInbound(as: Frame.self) == nil)
        try channel.writeInbound(chunk)
        #expect(try channel.readInbound(as: Frame.self) == .tooLong)
        let big = ByteBuffer(repeating: UInt8(ascii: "B"), count: 1 << 20)
        for _ in 0..<64 { try channel.writeInbound(big) }  // 64 MiB without a newline
        try channel.writeInbound(ByteBuffer(string: "PING\n"))
        #expect(try channel.readInbound(as: Frame.self) == nil)
        #expect(try channel.finish().isClean)
    }

    @Test("a single huge read is cut off at once")
    func hugeSingleRead() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(LineFrameDecoder(maximumLineLength: 100), maximumBufferSize: 101))
        var input = ByteBuffer(string: "PING\n")
        input.writeRepeatingByte(UInt8(ascii: "z"), count: 1_000_000)
        input.writeString("\nPING\n")
        try channel.writeInbound(input)
        #expect(try channel.readInbound(as: Frame.self) == Self.line("PING"))
        #expect(try channel.readInbound(as: Frame.self) == .tooLong)
        #expect(try channel.readInbound(as: Frame.self) == nil)
        #expect(try channel.finish().isClean)
    }

    @Test("at end of input complete lines are delivered and an unterminated one is dropped")
    func endOfInput() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(LineFrameDecoder()))
        try channel.writeInbound(ByteBuffer(string: "PING\nBALANCE member=0000"))
        #expect(try channel.readInbound(as: Frame.self) == Self.line("PING"))
        #expect(try channel.readInbound(as: Frame.self) == nil)
        #expect(try channel.finish().isClean)
    }

    @Test("a line split across many reads is found without rescanning problems")
    func splitAcrossReads() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(LineFrameDecoder(maximumLineLength: 20)))
        for piece in ["EARN ", "req=1", "\r", "\nPI", "NG", "\n"] {
            try channel.writeInbound(ByteBuffer(string: piece))
        }
        #expect(try channel.readInbound(as: Frame.self) == Self.line("EARN req=1"))
        #expect(try channel.readInbound(as: Frame.self) == Self.line("PING"))
        #expect(try channel.finish().isClean)
    }
}
