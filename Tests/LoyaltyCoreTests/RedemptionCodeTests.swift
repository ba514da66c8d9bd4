import LoyaltyCore
import LoyaltyTestSupport
import Testing

@Suite("RedemptionCode")
struct RedemptionCodeTests {
    static let alphabet = Array("23456789ABCDEFGHJKMNPQRSTUVWXYZ")

    @Test("the alphabet has 31 symbols (a prime) and none of 0, O, 1, I, L")
    func alphabet() {
        #expect(RedemptionCode.alphabet.count == 31)
        #expect(Set(RedemptionCode.alphabet).count == 31)
        for confusable in "0O1IL".utf8 { #expect(!RedemptionCode.alphabet.contains(confusable)) }
    }

    @Test("known values: the body is a base-31 number, the check character makes Σ position × value ≡ 0 (mod 31)")
    func knownValues() throws {
        let zero = try RedemptionCode(encoding: [UInt8](repeating: 0, count: 16))
        #expect(zero.canonical == "2222222222222")
        #expect(zero.grouped == "2222-2222-2222-2")
        // 1 in the last place: value 1 ('3') at position 12, so 12 + 13 × check ≡ 0: check = 11 ('D').
        let one = try RedemptionCode(encoding: [UInt8](repeating: 0, count: 15) + [1])
        #expect(one.grouped == "2222-2222-2223-D")
        #expect(one.last4 == "223D")
        // 31 = "10" in base 31.
        let thirtyOne = try RedemptionCode(encoding: [UInt8](repeating: 0, count: 15) + [31])
        #expect(thirtyOne.canonical.prefix(12) == "222222222232")
        #expect(try RedemptionCode(body: "ABCDEFGHJKMN").canonical.prefix(12) == "ABCDEFGHJKMN")
        // Only the first 16 bytes count, and the same bytes always give the same code.
        let bytes: [UInt8] = (0..<32).map { UInt8($0 * 7 % 256) }
        #expect(try RedemptionCode(encoding: bytes) == RedemptionCode(encoding: bytes.prefix(16)))
        expectError(.internal) { () throws(LoyaltyError) in try RedemptionCode(encoding: [1, 2, 3]) }
    }

    @Test("every code satisfies the check equation and reads back from any presentation")
    func roundTrip() throws {
        var generator = SplitMix64(seed: 3)
        for _ in 0..<500 {
            let code = RedemptionCode.random(using: &generator)
            #expect(code.canonical.count == 13)
            let values = code.canonical.map { character in Self.alphabet.firstIndex(of: character) ?? -1 }
            #expect(values.enumerated().reduce(0) { $0 + ($1.offset + 1) * $1.element } % 31 == 0)
            #expect(try RedemptionCode(parsing: code.grouped) == code)
            #expect(try RedemptionCode(parsing: code.canonical.lowercased()) == code)
            #expect(try RedemptionCode(parsing: code.grouped.replacingOccurrences(of: "-", with: " ")) == code)
        }
    }

    @Test("every single mistyped character is caught")
    func substitutions() throws {
        var generator = SplitMix64(seed: 11)
        for _ in 0..<40 {
            let code = Array(RedemptionCode.random(using: &generator).canonical)
            for position in code.indices {
                for replacement in Self.alphabet where replacement != code[position] {
                    var typo = code
                    typo[position] = replacement
                    expectError(.badArgument) { () throws(LoyaltyError) in try RedemptionCode(parsing: String(typo)) }
                }
            }
        }
    }

    @Test("every swap of two different characters is caught, adjacent or not")
    func transpositions() throws {
        var generator = SplitMix64(seed: 17)
        for _ in 0..<40 {
            let code = Array(RedemptionCode.random(using: &generator).canonical)
            for first in code.indices {
                for second in code.indices where second > first && code[first] != code[second] {
                    var swapped = code
                    swapped.swapAt(first, second)
                    expectError(.badArgument) { () throws(LoyaltyError) in try RedemptionCode(parsing: String(swapped)) }
                }
            }
        }
    }

    @Test("malformed codes are refused with a message that helps", arguments: [
        ("", "13 characters"), ("2222-2222-2222", "13 characters"), ("2222-2222-2222-22", "13 characters"),
        ("2222-2222-222O-2", "never contain 0, O, 1, I or L"), ("2222-2222-2221-2", "never contain"),
        ("2222-2222-2223-2", "check character"), ("2222_2222_2222_2", "13 characters"), ("ÄÄÄÄ-2222-2222-2", "13 characters"),
    ])
    func malformed(text: String, message: String) {
        let error = expectError(.badArgument) { () throws(LoyaltyError) in try RedemptionCode(parsing: text, argument: "code") }
        #expect(error?.message.hasPrefix("code: ") == true)
        #expect(error?.message.contains(message) == true, "\(String(describing: error))")
    }

    @Test("a body must have 12 alphabet characters")
    func body() {
        expectError(.badArgument) { () throws(LoyaltyError) in try RedemptionCode(body: "ABC") }
        expectError(.badArgument) { () throws(LoyaltyError) in try RedemptionCode(body: "ABCDEFGHJKMO") }
    }

    @Test("random codes differ")
    func randomness() {
        let codes = Set((0..<1000).map { _ in RedemptionCode.random() })
        #expect(codes.count == 1000)
    }
}
