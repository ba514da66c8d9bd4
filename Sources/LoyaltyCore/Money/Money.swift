/// An amount of money in integer minor units of one currency. Never floating point.
public struct Money: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The amount in minor units (cents for EUR, yen for JPY).
    public let minorUnits: Int64
    public let currency: Currency

    /// The largest amount a single request may carry: 99,999,999,999 minor units
    /// (999 million EUR). Anything larger is a typo or an attack, never a purchase.
    public static let maximumMinorUnits: Int64 = 99_999_999_999

    public init(minorUnits: Int64, currency: Currency) {
        self.minorUnits = minorUnits
        self.currency = currency
    }

    /// Parses a decimal string written in the currency's own precision: `25.00`, `25.5` or `25` for EUR,
    /// `1500` for JPY. A sign, an exponent, grouping characters, more decimals than the currency has,
    /// or an amount over ``maximumMinorUnits`` are refused with `BAD_ARGUMENT`.
    public init(parsing text: some StringProtocol, currency: Currency, argument: String = "amount") throws(LoyaltyError) {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty else { throw .badArgument(argument, "empty amount") }
        guard bytes.count <= 24 else { throw .badArgument(argument, "amount is too long") }
        var integerPart: Int64 = 0
        var fractionDigits = 0
        var fractionValue: Int64 = 0
        var seenPoint = false
        var integerDigits = 0
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                let digit = Int64(byte - UInt8(ascii: "0"))
                if seenPoint {
                    fractionDigits += 1
                    guard fractionDigits <= currency.minorUnitDigits else {
                        throw .badArgument(argument, "\(currency.code) has \(currency.minorUnitDigits) decimal places")
                    }
                    fractionValue = fractionValue * 10 + digit
                } else {
                    integerDigits += 1
                    guard integerDigits <= 15 else { throw .badArgument(argument, "amount is too large") }
                    integerPart = integerPart * 10 + digit
                }
            case UInt8(ascii: "."):
                guard !seenPoint else { throw .badArgument(argument, "not a decimal amount") }
                seenPoint = true
            case UInt8(ascii: "-"):
                throw .badArgument(argument, "amount must not be negative")
            default:
                throw .badArgument(argument, "not a decimal amount")
            }
        }
        guard integerDigits > 0, !(seenPoint && fractionDigits == 0) else {
            throw .badArgument(argument, "not a decimal amount")
        }
        for _ in fractionDigits..<currency.minorUnitDigits { fractionValue *= 10 }
        let (scaled, overflow) = integerPart.multipliedReportingOverflow(by: currency.minorUnitsPerMajor)
        guard !overflow else { throw .badArgument(argument, "amount is too large") }
        let total = scaled + fractionValue
        guard total <= Money.maximumMinorUnits else { throw .badArgument(argument, "amount is too large") }
        self.init(minorUnits: total, currency: currency)
    }

    /// The amount as a decimal string in the currency's precision, without the code: `25.00`, `1500`, `-3.10`.
    public var decimalString: String {
        let digits = currency.minorUnitDigits
        let magnitude = minorUnits.magnitude
        let sign = minorUnits < 0 ? "-" : ""
        guard digits > 0 else { return sign + String(magnitude) }
        let factor = UInt64(currency.minorUnitsPerMajor)
        let fraction = String(magnitude % factor)
        let padded = String(repeating: "0", count: digits - fraction.count) + fraction
        return "\(sign)\(magnitude / factor).\(padded)"
    }

    public var description: String { "\(decimalString) \(currency.code)" }
}
