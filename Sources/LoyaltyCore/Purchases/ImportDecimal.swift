/// An exact signed decimal read from an import file: `units` × 10^-`scale`. Never floating point.
///
/// `-12.75` is 1275 units at scale 2 with a minus sign; `15.30` keeps its scale (1530 units at scale 2),
/// so ``sqlText`` writes it back as it was computed. Equality is numeric: `15.30 == 15.3`.
public struct ImportDecimal: Sendable, Hashable, CustomStringConvertible {
    /// The value in units of 10^-`scale`.
    public let units: Int64
    /// Digits after the decimal point, `0...maximumScale`.
    public let scale: Int

    /// The most fraction digits a value may have.
    public static let maximumScale = 9

    /// - Precondition: `scale` is in `0...maximumScale`.
    public init(units: Int64, scale: Int) {
        precondition((0...Self.maximumScale).contains(scale), "decimal scale out of range")
        self.units = units
        self.scale = scale
    }

    /// Parses a plain decimal number: an optional `-`, digits, and optionally `.` and 1 to 9 digits
    /// (`-12.75`, `0.085`, `15`). Signs other than a leading `-`, grouping characters (`1,000`),
    /// decimal commas (`2,55`), exponents, `NaN`, spaces and a bare `.5` or `5.` are refused.
    /// - Throws: `BAD_ARGUMENT` for a malformed number or one too large for 64-bit units.
    public init(parsing text: some StringProtocol, argument: String = "amount") throws(LoyaltyError) {
        switch Self.parse(Array(text.utf8)[...]) {
        case .success(let value): self = value
        case .failure(.malformed): throw .badArgument(argument, "not a plain decimal number")
        case .failure: throw .badArgument(argument, "too large")
        }
    }

    /// Why bytes are not an ``ImportDecimal``.
    enum Failure: Error, Sendable, Hashable {
        case malformed
        case tooLarge
        case tooPrecise
    }

    /// Parses the bytes of a decimal, as ``init(parsing:argument:)`` does, without building an error message.
    static func parse(_ bytes: ArraySlice<UInt8>) -> Result<ImportDecimal, Failure> {
        var index = bytes.startIndex
        let negative = index < bytes.endIndex && bytes[index] == UInt8(ascii: "-")
        if negative { index += 1 }
        var units: Int64 = 0
        var integerDigits = 0
        var fractionDigits = 0
        var seenPoint = false
        var tooLarge = false
        while index < bytes.endIndex {
            let byte = bytes[index]
            index += 1
            if byte == UInt8(ascii: ".") {
                guard !seenPoint else { return .failure(.malformed) }
                seenPoint = true
                continue
            }
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return .failure(.malformed) }
            if seenPoint {
                fractionDigits += 1
                guard fractionDigits <= maximumScale else { return .failure(.malformed) }
            } else {
                integerDigits += 1
            }
            guard !tooLarge else { continue }
            let (shifted, overflowShift) = units.multipliedReportingOverflow(by: 10)
            let (sum, overflowAdd) = shifted.addingReportingOverflow(Int64(byte - UInt8(ascii: "0")))
            if overflowShift || overflowAdd { tooLarge = true } else { units = sum }
        }
        guard integerDigits > 0, !(seenPoint && fractionDigits == 0) else { return .failure(.malformed) }
        guard !tooLarge else { return .failure(.tooLarge) }
        return .success(ImportDecimal(units: negative ? -units : units, scale: fractionDigits))
    }

    /// The exact product, with the sum of both scales (`6 × 2.55 = 15.30`). When that sum exceeds
    /// ``maximumScale``, trailing zeros are dropped to bring it down (`0.00005 × 20000.0000 = 1`).
    /// - Throws: `BAD_ARGUMENT` when the product does not fit 64-bit units, or needs more than 9 fraction digits.
    public func multiplied(by other: ImportDecimal, argument: String = "amount") throws(LoyaltyError) -> ImportDecimal {
        switch product(with: other) {
        case .success(let value): return value
        case .failure(.tooPrecise): throw .badArgument(argument, "more than \(Self.maximumScale) decimals")
        case .failure: throw .badArgument(argument, "too large")
        }
    }

    /// The exact product, or why there is none (`.tooLarge`, `.tooPrecise`).
    func product(with other: ImportDecimal) -> Result<ImportDecimal, Failure> {
        let exact = Self.exactProduct(self, other)
        guard case .failure = exact else { return exact }
        // 100.000 × 2.5000 overflows or exceeds the scale where 100 × 2.5 does not.
        return Self.exactProduct(withoutTrailingZeros, other.withoutTrailingZeros)
    }

    private static func exactProduct(_ lhs: ImportDecimal, _ rhs: ImportDecimal) -> Result<ImportDecimal, Failure> {
        let (product, overflow) = lhs.units.multipliedReportingOverflow(by: rhs.units)
        guard !overflow else { return .failure(.tooLarge) }
        var units = product
        var scale = lhs.scale + rhs.scale
        while scale > maximumScale, units % 10 == 0 {
            units /= 10
            scale -= 1
        }
        guard scale <= maximumScale else { return .failure(.tooPrecise) }
        return .success(ImportDecimal(units: units, scale: scale))
    }

    /// The same value with as small a scale as possible: `15.30` becomes `15.3`.
    public var withoutTrailingZeros: ImportDecimal {
        var units = self.units
        var scale = self.scale
        while scale > 0, units % 10 == 0 {
            units /= 10
            scale -= 1
        }
        return ImportDecimal(units: units, scale: scale)
    }

    /// The value as PostgreSQL `numeric` text, with exactly ``scale`` fraction digits: `-12.75`, `0.085`, `15`.
    public var sqlText: String {
        let magnitude = units.magnitude
        let sign = units < 0 ? "-" : ""
        guard scale > 0 else { return sign + String(magnitude) }
        var factor: UInt64 = 1
        for _ in 0..<scale { factor *= 10 }
        let fraction = String(magnitude % factor)
        return "\(sign)\(magnitude / factor).\(String(repeating: "0", count: scale - fraction.count))\(fraction)"
    }

    public var description: String { sqlText }

    public static func == (lhs: ImportDecimal, rhs: ImportDecimal) -> Bool {
        let left = lhs.withoutTrailingZeros
        let right = rhs.withoutTrailingZeros
        return left.units == right.units && left.scale == right.scale
    }

    public func hash(into hasher: inout Hasher) {
        let normal = withoutTrailingZeros
        hasher.combine(normal.units)
        hasher.combine(normal.scale)
    }
}
