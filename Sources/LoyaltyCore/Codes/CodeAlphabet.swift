/// The alphabet and check character shared by the codes people read, type and say aloud: reward
/// vouchers (``RedemptionCode``) and gift cards (``GiftCardCode``).
///
/// 31 symbols, `23456789ABCDEFGHJKMNPQRSTUVWXYZ` (no `0`/`O`, `1`/`I`/`L`). 31 is prime, which makes the
/// check character strong: with the weights 1…n of the positions, Σ weight × value ≡ 0 (mod 31) over the
/// whole code, so any one mistyped character and any two swapped characters (adjacent or not) are caught
/// before a database is asked, for every code shorter than 31 characters.
enum CodeAlphabet {
    /// The symbols, in the order of their values 0…30.
    static let symbols: [UInt8] = Array("23456789ABCDEFGHJKMNPQRSTUVWXYZ".utf8)
    static var radix: Int { symbols.count }

    /// The value that makes Σ (position × value) ≡ 0 (mod 31) over the body (positions 1…n-1) and the
    /// check character (position n = body.count + 1).
    static func checkValue(for body: some Collection<Int>) -> Int {
        var sum = 0
        for (offset, value) in body.enumerated() { sum = (sum + (offset + 1) * value) % radix }
        let weight = body.count + 1
        return ((radix - sum) % radix) * inverse(of: weight) % radix
    }

    /// The code made of `body` and its check character, as text.
    static func text(body: [Int]) -> String {
        String(decoding: (body + [checkValue(for: body)]).map { symbols[$0] }, as: UTF8.self)
    }

    /// Values of `bodyLength` random symbols.
    static func randomBody<G: RandomNumberGenerator>(length: Int, using generator: inout G) -> [Int] {
        (0..<length).map { _ in Int.random(in: 0..<radix, using: &generator) }
    }

    /// Parses a code of `length` characters (check character included) as a person or a till gives it:
    /// any case, spaces and dashes ignored. Returns the body's values.
    static func parse(
        _ text: some StringProtocol, length: Int, argument: String, example: String
    ) throws(LoyaltyError) -> [Int] {
        let stripped = text.utf8.filter { $0 != UInt8(ascii: "-") && $0 != UInt8(ascii: " ") }
        guard stripped.count == length else {
            throw .badArgument(argument, "a code has \(length) characters (\(example))")
        }
        let values = try values(of: stripped, argument: argument)
        guard checkValue(for: values.prefix(length - 1)) == values[length - 1] else {
            throw .badArgument(argument, "the code's check character is wrong; check for a typo")
        }
        return Array(values.prefix(length - 1))
    }

    /// The alphabet values of the characters, upper-casing ASCII letters.
    static func values(of bytes: some Sequence<UInt8>, argument: String) throws(LoyaltyError) -> [Int] {
        var values: [Int] = []
        for byte in bytes {
            let upper = (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) ? byte - 32 : byte
            guard let value = symbols.firstIndex(of: upper) else {
                let hint = "0O1IL".utf8.contains(upper) ? " (codes never contain 0, O, 1, I or L)" : ""
                throw .badArgument(argument, "a code uses only 2-9 and letters other than I, L and O\(hint)")
            }
            values.append(value)
        }
        return values
    }

    /// Groups of four for printing and reading aloud: `ABCD-EFGH-JKMN-P`.
    static func grouped(_ canonical: String) -> String {
        var text = ""
        for (index, character) in canonical.enumerated() {
            if index > 0, index % 4 == 0 { text.append("-") }
            text.append(character)
        }
        return text
    }

    /// The multiplicative inverse modulo 31 (a prime), by Fermat: w^(31-2).
    private static func inverse(of weight: Int) -> Int {
        var result = 1
        var base = weight % radix
        var exponent = radix - 2
        while exponent > 0 {
            if exponent & 1 == 1 { result = result * base % radix }
            base = base * base % radix
            exponent >>= 1
        }
        return result
    }
}
