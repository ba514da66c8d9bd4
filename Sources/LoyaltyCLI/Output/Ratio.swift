/// Rates and averages of the reports' integer counts, in integer arithmetic only (no floating point), rounded
/// half away from zero: `1 ÷ 3` is `33.3%`, `2 ÷ 3` is `66.7%`, `69 ÷ 200` is `34.5%`.
///
/// A ratio with a zero (or negative) denominator has no value: the functions return nil and the views print
/// ``missing`` instead of dividing by zero.
enum Ratio {
    /// What a report shows for a rate or average that has no value (no customers, no repeat customers).
    static let missing = "–"

    /// `numerator × scale ÷ denominator`, rounded half away from zero; nil when the denominator is not
    /// positive or the result does not fit in an `Int64`. Exact for every `Int64` input (a 128-bit product).
    static func scaledQuotient(_ numerator: Int64, times scale: Int64 = 1, over denominator: Int64) -> Int64? {
        guard denominator > 0, scale >= 0 else { return nil }
        let divisor = denominator.magnitude
        let product = numerator.magnitude.multipliedFullWidth(by: scale.magnitude)
        // The quotient fits in 64 bits only if the high half is below the divisor.
        guard product.high < divisor else { return nil }
        var (quotient, remainder) = divisor.dividingFullWidth(product)
        // Half or more of the divisor left over rounds up (in magnitude); `remainder >= divisor - remainder`
        // is `2 × remainder >= divisor` without overflow.
        if remainder >= divisor - remainder {
            guard quotient < UInt64.max else { return nil }
            quotient += 1
        }
        guard quotient <= UInt64(Int64.max) else { return nil }
        let magnitude = Int64(quotient)
        return numerator < 0 ? -magnitude : magnitude
    }

    /// Tenths of a percent: `1 ÷ 3` is 333, `2 ÷ 3` is 667; nil without a positive whole.
    static func permille(_ part: Int64, of whole: Int64) -> Int64? {
        scaledQuotient(part, times: 1000, over: whole)
    }

    /// `part ÷ whole` as a percentage with one decimal: `34.5%`; nil without a positive whole.
    static func percent(_ part: Int64, of whole: Int64) -> String? {
        permille(part, of: whole).map { tenths($0) + "%" }
    }

    /// `total ÷ count` with one decimal: `2.3`; nil without a positive count.
    static func average(_ total: Int64, over count: Int64) -> String? {
        scaledQuotient(total, times: 10, over: count).map(tenths)
    }

    /// A number of tenths written with one decimal: `345` → `34.5`, `-5` → `-0.5`.
    static func tenths(_ value: Int64) -> String {
        let sign = value < 0 ? "-" : ""
        let magnitude = value.magnitude
        return "\(sign)\(magnitude / 10).\(magnitude % 10)"
    }
}
