import LoyaltyCore
import LoyaltyTestSupport
import Testing

@Suite("MemberNumber")
struct MemberNumberTests {
    @Test(
        "builds the check digit for a sequence",
        arguments: [(1, "0000000018"), (42, "0000000422"), (123_456_789, "1234567897"), (999_999_999, "9999999999"),
            (100_000_000, "1000000008")] as [(Int64, String)])
    func fromSequence(sequence: Int64, digits: String) throws {
        let number = MemberNumber(sequence: sequence)
        #expect(number.digits == digits)
        #expect(try MemberNumber(parsing: digits) == number)
    }

    @Test("accepts known valid numbers, ignoring spaces and dashes", arguments: [
        "7992739875", "0000000018", "1234567897", "799 273 9875", "799-273-987-5", " 0000000018 ",
    ])
    func acceptsValid(text: String) throws {
        let number = try MemberNumber(parsing: text)
        #expect(number.digits.count == MemberNumber.length)
        #expect(!number.digits.contains(" ") && !number.digits.contains("-"))
    }

    @Test("refuses wrong lengths and non-digits", arguments: [
        "", "123456789", "12345678901", "000000001x", "０００００００００１８", "+000000018", "7992739875.",
    ])
    func refusesShape(text: String) {
        let error = expectError(.badArgument) { () throws(LoyaltyError) in try MemberNumber(parsing: text) }
        #expect(error?.message.hasPrefix("member:") == true)
    }

    @Test("catches every single mistyped digit")
    func catchesEverySingleDigitTypo() {
        for sequence: Int64 in [1, 42, 7, 123_456_789, 987_654_321, 500_000_000] {
            let digits = Array(MemberNumber(sequence: sequence).digits.utf8)
            for position in digits.indices {
                for replacement in UInt8(ascii: "0")...UInt8(ascii: "9") where replacement != digits[position] {
                    var typo = digits
                    typo[position] = replacement
                    let text = String(decoding: typo, as: UTF8.self)
                    #expect(throws: LoyaltyError.self, "\(text) should fail the check digit") {
                        try MemberNumber(parsing: text)
                    }
                }
            }
        }
    }

    @Test("catches most swapped neighbours")
    func catchesSwaps() {
        var caught = 0
        var swaps = 0
        for sequence: Int64 in [123_456_789, 987_654_321, 192_837_465] {
            let digits = Array(MemberNumber(sequence: sequence).digits.utf8)
            for position in 0..<(digits.count - 1) where digits[position] != digits[position + 1] {
                var swapped = digits
                swapped.swapAt(position, position + 1)
                swaps += 1
                if (try? MemberNumber(parsing: String(decoding: swapped, as: UTF8.self))) == nil { caught += 1 }
            }
        }
        #expect(caught * 10 >= swaps * 9)
    }

    @Test("round-trips every sequence through its text")
    func roundTrip() throws {
        for sequence: Int64 in stride(from: 1, through: 999_999_999, by: 9_876_543) {
            let number = MemberNumber(sequence: sequence)
            #expect(number.digits.count == 10)
            #expect(number.digits.hasPrefix(String(repeating: "0", count: 9 - String(sequence).count) + String(sequence)))
            #expect(try MemberNumber(parsing: number.description) == number)
        }
    }
}
