import LoyaltyCore
import LoyaltyProtocol
import NIOCore
import NIOEmbedded
import LoyaltyTestSupport
import Testing

/// Feeds random and hostile lines to the parser: it must never crash, and every refusal must be a
/// `LoyaltyError` whose `ERR` reply is exactly one well-formed line.
@Suite("Hostile input")
struct HostileInputTests {
    static let parser = RequestParser(defaultRegion: try! PhoneNumber.Region(code: "DE"))

    /// Pieces that random lines are assembled from: syntax, verbs, keys, values and nasty bytes.
    static let pieces: [[UInt8]] = [
        " ", " ", "\t", "=", "\"", "\\", "\\\"", "\\n", "\\x", "'", ";", "--", "%s", "%n", "${x}", "\r", "\u{0}", "\u{7F}",
        "PING", "HELP", "QUIT", "AUTH", "MEMBER", "ENROLL", "BALANCE", "HISTORY", "EARN", "REDEEM", "REVERSE", "earn",
        "req", "member", "phone", "email", "amount", "currency", "points", "receipt", "of", "entry", "limit",
        "first_name", "last_name", "birth_date", "consent_sms", "terminal", "secret", "foo",
        "GIFT", "gift", "REDEEM", "BALANCE", "HOLD", "CAPTURE", "code", "pin", "partial", "hold", "1234", "ABCD-EFGH-JKMN-PQRU",
        "2222-2222-2222-2222", "17",
        "0000000018", "7992739875", "25.00", "-1", "0", "1e9", "99999999999999999999", "0.001", "EUR", "JPY", "XXX",
        "+4915112345678", "0151 1234", "a@b.c", "2024-02-29", "ü", "👋", "\u{202E}", "\u{200B}",
    ].map { Array($0.utf8) } + [[0xFF], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xE2, 0x82], [0x80], [0xF4, 0x90, 0x80, 0x80]]

    static let hostileLines: [String] = [
        "EARN req=1 member=0000000018 amount=99999999999999999999999999999 currency=EUR",
        "EARN req=1 member=0000000018 amount=-5 currency=EUR", "EARN req=1 member=0000000018 amount=-0.00 currency=EUR",
        "EARN req=1 member=0000000018 amount=1.999 currency=EUR", "EARN req=1 member=0000000018 amount=\"25,00\" currency=EUR",
        "EARN req=1 member=0000000018 amount=1e308 currency=EUR", "EARN req=1 member=0000000018 amount=NaN currency=EUR",
        "EARN req=1 member=0000000018 amount=Infinity currency=EUR", "EARN req=1 member=0000000018 amount=0x10 currency=EUR",
        "EARN req=1 member=0000000018 points=9223372036854775808", "EARN req=1 member=0000000018 points=-9223372036854775808",
        "REVERSE req=1 entry=-9223372036854775808", "REVERSE req=1 entry=99999999999999999999999999",
        "HISTORY member=0000000018 limit=9223372036854775807", "HISTORY member=0000000018 limit=-0",
        "EARN req=1 req=1 member=0000000018 points=1", "EARN REQ=1 req=2", "EARN req=1 bogus=1 member=0000000018 points=1",
        "MEMBER email=\"x'; DROP TABLE members;--@x.com\"", "AUTH terminal=admin'-- secret=\"' OR '1'='1\"",
        "MEMBER member=\"0000000018' OR 1=1 --\"", "AUTH terminal=T secret=\"\\x00\"", "AUTH terminal=T secret=\"\\u0000\"",
        "AUTH terminal=T secret=\"%s%s%s%n\"", "AUTH terminal=T secret=\"${jndi:ldap://x}\"", "ENROLL req=1 first_name=\"\\\"",
        "ENROLL req=1 first_name=\"\\n\" last_name=x", "ENROLL req=1 first_name=\"\u{202E}evil\" last_name=x",
        "ENROLL req=1 first_name=\"\u{85}\" last_name=x", "ENROLL req=1 first_name=x last_name=y birth_date=9999-99-99",
        "ÉARN req=1", "EARN\u{A0}req=1", "PING" + String(repeating: " ", count: 5000),
        String(repeating: "A", count: 8192), "EARN " + (1...1000).map { "k\($0)=v" }.joined(separator: " "),
        "EARN " + String(repeating: "k", count: 5000) + "=1", "EARN k=\"" + String(repeating: "\\\\", count: 3000) + "\"",
        "EARN k=" + String(repeating: "\"", count: 3000), "=", "==", "\"", "\\", "k=v", "EARN =", "EARN a==", "EARN a=\"\" b=\"\"",
        "GIFT", "GIFT GIFT GIFT", "GIFT " + String(repeating: "R", count: 8000), "GIFT REDEEM" + String(repeating: " GIFT", count: 40),
        "GIFT \u{0}REDEEM", "GIFT RÉDEEM", "GIFT\tREDEEM\treq=1", "GIFT =REDEEM", "GIFT REDEEM=1", "GIFT \"\"", "GIFT \\",
        "GIFT REDEEM req=1 code=ABCD-EFGH-JKMN-PQRU pin=\"1234' OR '1'='1\" amount=1 currency=EUR",
        "GIFT REDEEM req=1 code=\"ABCD-EFGH-JKMN-PQRU'; DROP TABLE gift_cards;--\" amount=1 currency=EUR",
        "GIFT REDEEM req=1 code=ABCD-EFGH-JKMN-PQRU amount=-99999999999999999999 currency=EUR",
        "GIFT CAPTURE req=1 code=ABCD-EFGH-JKMN-PQRU hold=-9223372036854775808",
        "GIFT BALANCE code=" + String(repeating: "A", count: 5000), "GIFT BALANCE code=ABCD-EFGH-JKMN-PQRU pin=" + String(repeating: "9", count: 400),
        "GIFT BALANCE code=\u{202E}ABCD-EFGH-JKMN-PQRU", "GIFT BALANCE code=ＡＢＣＤ-EFGH-JKMN-PQRU",
    ]

    @Test("hostile lines are refused cleanly")
    func hostileLines() {
        for line in Self.hostileLines {
            Self.check(Array(line.utf8))
        }
        for bytes: [UInt8] in [[0xFF], [0x50, 0x49, 0x4E, 0x47, 0xC0, 0x80], [0x45, 0x20, 0x6B, 0x3D, 0xED, 0xA0, 0x80], Array(repeating: 0x80, count: 100)] {
            Self.check(bytes)
        }
    }

    @Test("random byte lines never crash the parser")
    func randomBytes() {
        var random = SplitMix64(seed: 0x4C4F_5941_4C54_59)
        for _ in 0..<3000 {
            let length = Int.random(in: 0...120, using: &random)
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &random) }
            Self.check(bytes)
        }
    }

    @Test("random lines assembled from protocol pieces never crash the parser")
    func randomPieces() {
        var random = SplitMix64(seed: 7470)
        var accepted = 0
        for _ in 0..<5000 {
            var bytes: [UInt8] = []
            for _ in 0..<Int.random(in: 1...24, using: &random) {
                bytes += Self.pieces[Int.random(in: 0..<Self.pieces.count, using: &random)]
            }
            if Self.check(bytes) { accepted += 1 }
        }
        #expect(accepted < 5000)
    }

    @Test("a random byte stream through the frame decoder and parser never crashes")
    func randomStream() throws {
        var random = SplitMix64(seed: 42)
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(LineFrameDecoder(maximumLineLength: 256)))
        var frames = 0
        for _ in 0..<2000 {
            var chunk = ByteBuffer()
            for _ in 0..<Int.random(in: 1...64, using: &random) {
                let roll = UInt8.random(in: 0...255, using: &random)
                chunk.writeInteger(roll < 16 ? UInt8(ascii: "\n") : UInt8.random(in: 0...255, using: &random))
            }
            try channel.writeInbound(chunk)
            while let frame = try channel.readInbound(as: Frame.self) {
                frames += 1
                guard case .line(let line) = frame else { continue }
                if RequestParser.isBlank(line) { continue }
                Self.check(Array(line.readableBytesView))
            }
        }
        #expect(frames > 100)
        _ = try channel.finish()
    }

    /// Parses the line; on success checks the fingerprint can be taken, on failure checks the ERR reply.
    /// Returns whether the line was accepted.
    @discardableResult
    static func check(_ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) -> Bool {
        do {
            let request = try parser.parse(ByteBuffer(bytes: bytes))
            _ = request.fingerprint
            return true
        } catch {
            checkErrorReply(error, sourceLocation: sourceLocation)
            return false
        }
    }

    static let knownCodes: Set<String> = ["BAD_REQUEST", "UNKNOWN_COMMAND", "MISSING_ARGUMENT", "BAD_ARGUMENT"]

    static func checkErrorReply(_ error: LoyaltyError, sourceLocation: SourceLocation) {
        #expect(knownCodes.contains(error.code.rawValue), "\(error)", sourceLocation: sourceLocation)
        #expect(error.message.count <= 200, "\(error)", sourceLocation: sourceLocation)
        var buffer = ByteBuffer()
        Reply.error(error).encode(into: &buffer)
        let bytes = Array(buffer.readableBytesView)
        #expect(bytes.last == UInt8(ascii: "\n"), sourceLocation: sourceLocation)
        #expect(bytes.dropLast().allSatisfy { $0 >= 0x20 && $0 != 0x7F }, "\(error)", sourceLocation: sourceLocation)
        #expect(bytes.count <= 4 + 32 + 1 + 200 * 4 + 1, sourceLocation: sourceLocation)
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(Array(text.utf8) == bytes, "reply is not valid UTF-8", sourceLocation: sourceLocation)
        do {
            let parsed = try ReplyLine.parse(text)
            guard case .error(let code, let message) = parsed else {
                Issue.record("not an ERR line: \(text)", sourceLocation: sourceLocation)
                return
            }
            #expect(code == error.code.rawValue, sourceLocation: sourceLocation)
            #expect(message.unicodeScalars.count <= 200, sourceLocation: sourceLocation)
        } catch {
            Issue.record("unreadable ERR line \(text): \(error)", sourceLocation: sourceLocation)
        }
    }
}
