import Foundation
import LoyaltyCore

/// A seeded generator of hostile request lines (the bytes before the LF) for the codec fuzzer.
///
/// Each line is one of: random bytes; a line assembled from protocol pieces and nasty fragments; a valid
/// request of some verb with one to four mutations (a value replaced by a hostile one, a byte inserted,
/// flipped or deleted, a key repeated or invented, the line cut short); or a verb with hostile arguments.
/// The same seed gives the same lines, so a failure is reproduced from the seed it prints.
public struct HostileLineGenerator {
    private var random: SplitMix64
    /// The seed this generator was made with.
    public let seed: UInt64

    public init(seed: UInt64) {
        self.seed = seed
        self.random = SplitMix64(seed: seed)
    }

    /// The fuzzer's seed and effort: `LOYALTY_FUZZ_SEED` (decimal or 0x-hex) and `LOYALTY_FUZZ_ITERATIONS`
    /// or `LOYALTY_FUZZ_SECONDS` from the environment, else the defaults (a fresh seed each run is the point
    /// of a fuzzer; the seed is printed on failure so that a run can be repeated).
    public struct Budget: Sendable, CustomStringConvertible {
        public var seed: UInt64
        public var iterations: Int
        public var seconds: Double

        public static func fromEnvironment(
            iterations defaultIterations: Int, seconds defaultSeconds: Double,
            environment: [String: String] = ProcessInfo.processInfo.environment
        ) -> Budget {
            var seed = UInt64.random(in: 1...UInt64.max)
            if let text = environment["LOYALTY_FUZZ_SEED"] {
                let parsed = text.hasPrefix("0x") ? UInt64(text.dropFirst(2), radix: 16) : UInt64(text)
                if let parsed { seed = parsed }
            }
            let iterations = environment["LOYALTY_FUZZ_ITERATIONS"].flatMap(Int.init) ?? defaultIterations
            let seconds = environment["LOYALTY_FUZZ_SECONDS"].flatMap(Double.init) ?? defaultSeconds
            return Budget(seed: seed, iterations: iterations, seconds: seconds)
        }

        public var description: String {
            "LOYALTY_FUZZ_SEED=\(seed) LOYALTY_FUZZ_ITERATIONS=\(iterations) LOYALTY_FUZZ_SECONDS=\(seconds)"
        }
    }

    /// One valid request of every verb and form; mutations start from these.
    public static let validRequests: [String] = [
        "PING", "HELP", "QUIT", "AUTH terminal=till-1 secret=\"correct horse\"",
        "MEMBER member=0000000018", "BALANCE phone=+4915112345678", "HISTORY email=anna@example.com limit=5",
        "ENROLL req=e-1 first_name=Anna last_name=\"von Berg\" email=anna@example.com phone=\"0151 1234 5678\" birth_date=1990-02-28 consent_email=1 consent_sms=no",
        "EARN req=t1:0001 member=0000000018 amount=25.99 currency=EUR receipt=R-2026-0001",
        "EARN req=t1:0002 member=0000000018 amount=1500 currency=JPY", "EARN req=t1:0003 member=0000000018 amount=1.250 currency=KWD",
        "EARN req=t1:0004 phone=+4915112345678 points=10", "REDEEM req=t1:0005 member=0000000018 points=5 receipt=R-2",
        "REVERSE req=t1:0006 of=t1:0001", "REVERSE req=t1:0007 entry=981 amount=5.00 currency=EUR", "REVERSE req=t1:0008 entry=981 points=3",
        "REWARDS member=0000000018", "CLAIM req=t1:0009 member=0000000018 reward=tote-bag",
        "VOUCHER code=\(voucher)", "USE req=t1:0010 code=\(voucher) receipt=R-3",
        "GIFT BALANCE code=ABCD-EFGH-JKMN-PQRU pin=1234",
        "GIFT ACTIVATE req=g-1 code=ABCD-EFGH-JKMN-PQRU amount=25 currency=EUR member=0000000018 receipt=R-1",
        "GIFT LOAD req=g-2 code=ABCD-EFGH-JKMN-PQRU amount=10.00 currency=EUR",
        "GIFT REDEEM req=g-3 code=ABCD-EFGH-JKMN-PQRU pin=1234 amount=26.50 currency=EUR partial=1 receipt=R-4",
        "GIFT REFUND req=g-4 code=ABCD-EFGH-JKMN-PQRU amount=5.00 currency=EUR",
        "GIFT HOLD req=g-5 code=ABCD-EFGH-JKMN-PQRU amount=12.00 currency=EUR",
        "GIFT CAPTURE req=g-6 code=ABCD-EFGH-JKMN-PQRU hold=17 amount=10.00 currency=EUR", "GIFT RELEASE req=g-7 code=ABCD-EFGH-JKMN-PQRU hold=17",
    ]

    static let voucher: String = (try? RedemptionCode(body: "ABCDEFGHJKMN").grouped) ?? "ABCD-EFGH-JKMN-P"

    /// Values that have broken parsers elsewhere: numbers past Int64, signs, exponents, fractions, empty
    /// and quoted values, escapes, SQL and format-string fragments, odd Unicode.
    static let hostileValues: [[UInt8]] = [
        "", "\"\"", "0", "-0", "-1", "+1", "+25.00", "25.", ".5", "25.001", "1e3", "1E-2", "0x10", "1_000", "1,000.00", "25,00",
        "NaN", "Infinity", "-Infinity", "9223372036854775807", "9223372036854775808", "-9223372036854775808",
        "18446744073709551616", "99999999999", "100000000000", "999999999.99", "1000000000.00", "99999999999999999999999999",
        String(repeating: "9", count: 400), "0.0000000000000000000001", "00000000000000000000025.00", "1.", "1..2", "--1",
        "'; drop table members; --", "\"'; drop table point_entries; --\"", "' OR '1'='1", "\"\\\"\"", "\"\\\\\"", "\"\\n\\r\\t\"",
        "\"\\x41\"", "\"\\u0000\"", "\"unterminated", "a\"b", "\"a\"b", "%s%s%n", "${jndi:ldap://x}", "$(reboot)", "`id`",
        "XXX", "eur", "EURO", "JPY", "KWD", "BHD", "ü", "👋", "\u{202E}", "\u{200B}", "ＡＢＣＤ", "\u{85}",
        String(repeating: "A", count: 9000), String(repeating: "\\", count: 64),
    ].map { Array($0.utf8) } + [[0x00], [0x07], [0x1B, 0x5B, 0x32, 0x4A], [0x7F], [0xFF], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xE2, 0x82], [0x80]]

    static let keys: [String] = [
        "req", "member", "phone", "email", "amount", "currency", "points", "receipt", "of", "entry", "limit", "first_name",
        "last_name", "birth_date", "consent_email", "consent_sms", "terminal", "secret", "reward", "code", "pin", "partial",
        "hold", "foo", "REQ", "Amount", "k" + String(repeating: "x", count: 40), "1abc", "a-b", "_x",
    ]

    static let verbs: [String] = [
        "PING", "HELP", "QUIT", "AUTH", "MEMBER", "BALANCE", "HISTORY", "ENROLL", "EARN", "REDEEM", "REVERSE", "REWARDS", "CLAIM",
        "VOUCHER", "USE", "GIFT", "GIFT BALANCE", "GIFT REDEEM", "GIFT HOLD", "gift capture", "earn", "EaRn", "FROB", "DROP",
    ]

    /// The next hostile line.
    public mutating func next() -> [UInt8] {
        switch Int.random(in: 0..<10, using: &random) {
        case 0: return randomBytes()
        case 1, 2: return hostileArguments()
        default: return mutated(Array(pick(Self.validRequests).utf8))
        }
    }

    private mutating func pick<T>(_ items: [T]) -> T {
        items[Int.random(in: 0..<items.count, using: &random)]
    }

    private mutating func randomBytes() -> [UInt8] {
        (0..<Int.random(in: 0...200, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
    }

    private mutating func hostileArguments() -> [UInt8] {
        var line = Array(pick(Self.verbs).utf8)
        for _ in 0..<Int.random(in: 0...6, using: &random) {
            line += Array(" \(pick(Self.keys))=".utf8) + pick(Self.hostileValues)
        }
        return line
    }

    private mutating func mutated(_ valid: [UInt8]) -> [UInt8] {
        var line = valid
        for _ in 0..<Int.random(in: 1...4, using: &random) {
            line = mutate(line)
        }
        return line
    }

    private mutating func mutate(_ line: [UInt8]) -> [UInt8] {
        var line = line
        let position = line.isEmpty ? 0 : Int.random(in: 0..<line.count, using: &random)
        switch Int.random(in: 0..<10, using: &random) {
        case 0, 1, 2:
            // Replace one value with a hostile one.
            let equals = line.indices.filter { line[$0] == UInt8(ascii: "=") }
            guard !equals.isEmpty else { return line + pick(Self.hostileValues) }
            let start = pick(equals) + 1
            let end = line[start...].firstIndex(of: UInt8(ascii: " ")) ?? line.endIndex
            line.replaceSubrange(start..<end, with: pick(Self.hostileValues))
        case 3:
            // Repeat an argument, possibly in another case.
            let tokens = line.split(separator: UInt8(ascii: " "))
            guard tokens.count > 1 else { return line }
            var token = Array(pick(Array(tokens.dropFirst())))
            if Bool.random(using: &random) { token = token.map { $0 >= 0x61 && $0 <= 0x7A ? $0 - 0x20 : $0 } }
            line += [UInt8(ascii: " ")] + token
        case 4:
            line += Array(" \(pick(Self.keys))=".utf8) + pick(Self.hostileValues)
        case 5:
            line.insert(UInt8.random(in: 0...255, using: &random), at: position)
        case 6:
            if !line.isEmpty { line[position] ^= UInt8(1) << UInt8.random(in: 0...7, using: &random) }
        case 7:
            if !line.isEmpty {
                line.removeSubrange(position..<min(line.count, position + Int.random(in: 1...8, using: &random)))
            }
        case 8:
            line = Array(line.prefix(position))
        default:
            let blanks: [[UInt8]] = [[0x20], [0x09], [0x20, 0x20, 0x09], [0x0D], [0x00], [0x22], [0x5C], [0x3D]]
            line.insert(contentsOf: pick(blanks), at: position)
        }
        return line
    }
}
