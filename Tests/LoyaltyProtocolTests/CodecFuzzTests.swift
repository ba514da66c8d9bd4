import LoyaltyCore
import LoyaltyProtocol
import LoyaltyTestSupport
import NIOCore
import NIOEmbedded
import Testing

/// The codec fuzzer: hostile lines from ``HostileLineGenerator`` for a bounded time. Every line must
/// give a request or a well-formed `ERR` line with one of the parser's codes, the same on every parse.
/// `LOYALTY_FUZZ_SEED`, `LOYALTY_FUZZ_ITERATIONS` and `LOYALTY_FUZZ_SECONDS` run it longer by hand.
@Suite("Codec fuzzer")
struct CodecFuzzTests {
    static let parser = RequestParser(defaultRegion: try! PhoneNumber.Region(code: "DE"))

    @Test("every valid request the generator mutates parses")
    func templatesAreValid() throws {
        for line in HostileLineGenerator.validRequests {
            #expect(throws: Never.self, "\(line)") { try Self.parser.parse(line) }
        }
    }

    @Test("hostile lines: never a crash, always a request or a well-formed ERR, deterministic")
    func hostileLines() {
        let budget = HostileLineGenerator.Budget.fromEnvironment(iterations: 200_000, seconds: 3)
        var generator = HostileLineGenerator(seed: budget.seed)
        let clock = ContinuousClock()
        let deadline = clock.now + .milliseconds(Int64(budget.seconds * 1000))
        var counts = (accepted: 0, refused: 0)
        var codes: Set<String> = []
        for iteration in 0..<budget.iterations {
            if iteration % 256 == 0, clock.now > deadline { break }
            let line = generator.next()
            let first = Self.outcome(line)
            guard Self.outcome(line) == first else {
                Issue.record("parsing is not deterministic for \(line) (\(budget), iteration \(iteration))")
                return
            }
            switch first {
            case .success:
                counts.accepted += 1
            case .failure(let error):
                counts.refused += 1
                codes.insert(error.code.rawValue)
                guard Self.isWellFormed(error) else {
                    Issue.record("bad ERR reply \(error) for \(line) (\(budget), iteration \(iteration))")
                    return
                }
            }
        }
        // The generator reaches both outcomes and every refusal code of the parser.
        #expect(counts.accepted > 0 && counts.refused > 0, "\(counts) (\(budget))")
        #expect(codes == ["BAD_REQUEST", "UNKNOWN_COMMAND", "MISSING_ARGUMENT", "BAD_ARGUMENT"], "\(codes) (\(budget))")
    }

    @Test("a hostile byte stream through the frame decoder: only lines or one tooLong, never more than the limit")
    func hostileStream() throws {
        let budget = HostileLineGenerator.Budget.fromEnvironment(iterations: 20_000, seconds: 2)
        var generator = HostileLineGenerator(seed: budget.seed)
        let limit = 1024
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(LineFrameDecoder(maximumLineLength: limit)))
        var lines = 0
        for _ in 0..<budget.iterations {
            // Lines within the limit: the one over it is the decoder's own test (LineFrameDecoderTests).
            var chunk = ByteBuffer(bytes: generator.next().prefix(limit))
            chunk.writeInteger(UInt8(ascii: "\n"))
            try channel.writeInbound(chunk)
            while let frame = try channel.readInbound(as: Frame.self) {
                guard case .line(let line) = frame else {
                    Issue.record("no line is over \(limit) bytes here (\(budget))")
                    return
                }
                lines += 1
                #expect(line.readableBytes <= limit)
                if case .failure(let error) = Self.outcome(Array(line.readableBytesView)), !Self.isWellFormed(error) {
                    Issue.record("bad ERR reply \(error) (\(budget))")
                    return
                }
            }
        }
        #expect(lines > 0)
        _ = try channel.finish()
    }

    static func outcome(_ line: [UInt8]) -> Result<Request, LoyaltyError> {
        Result { () throws(LoyaltyError) in try parser.parse(ByteBuffer(bytes: line)) }
    }

    /// One line `ERR CODE message\n`: a parser code, no control character, at most 200 characters of message.
    static func isWellFormed(_ error: LoyaltyError) -> Bool {
        var buffer = ByteBuffer()
        Reply.error(error).encode(into: &buffer)
        let bytes = Array(buffer.readableBytesView)
        guard bytes.last == UInt8(ascii: "\n"), bytes.dropLast().allSatisfy({ $0 >= 0x20 && $0 != 0x7F }),
            bytes.count <= 4 + 32 + 1 + 200 * 4 + 1
        else { return false }
        let text = String(decoding: bytes.dropLast(), as: UTF8.self)
        guard Array(text.utf8) == bytes.dropLast(), case .error(let code, let message)? = try? ReplyLine.parse(text) else {
            return false
        }
        return code == error.code.rawValue && message.unicodeScalars.count <= 200
            && ["BAD_REQUEST", "UNKNOWN_COMMAND", "MISSING_ARGUMENT", "BAD_ARGUMENT"].contains(code)
    }
}
