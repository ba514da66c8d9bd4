import LoyaltyBench
import LoyaltyCore

/// Reading `loyalty bench`'s option values: whole numbers within a range, the mix; every refusal is
/// a `BAD_ARGUMENT` naming the option.
enum BenchArguments {
    static func integer(_ text: String, option: String, in range: ClosedRange<Int>) throws(LoyaltyError) -> Int {
        guard !text.isEmpty, text.count <= 12, text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
            let value = Int(text), range.contains(value)
        else {
            throw .badArgument(option, "must be a whole number from \(range.lowerBound) to \(range.upperBound), not \(InputExcerptText.quote(text))")
        }
        return value
    }

    static func mix(_ text: String) throws(LoyaltyError) -> BenchMix {
        guard let mix = BenchMix(rawValue: text.lowercased()) else {
            throw .badArgument(
                "--mix", "must be one of \(BenchMix.allCases.map(\.rawValue).joined(separator: ", ")), not \(InputExcerptText.quote(text))")
        }
        return mix
    }
}

/// At most 32 characters of what was given, quoted, for error messages.
enum InputExcerptText {
    static func quote(_ text: String) -> String {
        "'" + (text.count > 32 ? String(text.prefix(32)) + "…" : text) + "'"
    }
}
