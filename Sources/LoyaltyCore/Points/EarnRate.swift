/// The base earning rate for one currency: `points` points for every `perMinorUnits` minor units spent.
///
/// Rounding happens here and only here: points are rounded **down** to a whole point
/// (`floor(amount × points ÷ perMinorUnits)`), so 25.99 EUR at 1 point per 1.00 EUR earns 25 points.
public struct EarnRate: Sendable, Hashable, CustomStringConvertible {
    public let currency: Currency
    public let points: Int64
    public let perMinorUnits: Int64

    public init(currency: Currency, points: Int64, perMinorUnits: Int64) throws(LoyaltyError) {
        guard (1...1_000_000).contains(points), (1...1_000_000_000).contains(perMinorUnits) else {
            throw .badArgument("earn rate", "points 1...1000000 per 1...1000000000 minor units")
        }
        self.currency = currency
        self.points = points
        self.perMinorUnits = perMinorUnits
    }

    /// The default rate: one point per major unit of the currency (1 point per 1.00 EUR, per 1 JPY).
    public static func onePointPerMajorUnit(_ currency: Currency) -> EarnRate {
        // Both values are in range for every ISO 4217 currency (at most 3 minor digits).
        EarnRate(unchecked: currency, points: 1, perMinorUnits: currency.minorUnitsPerMajor)
    }

    /// One point per 100 yen.
    public static let onePointPerHundredYen = EarnRate(unchecked: .yen, points: 1, perMinorUnits: 100)

    private init(unchecked currency: Currency, points: Int64, perMinorUnits: Int64) {
        self.currency = currency
        self.points = points
        self.perMinorUnits = perMinorUnits
    }

    /// Parses the configuration form `EUR:1/1.00` (1 point per 1.00 EUR) or `JPY:1/100`.
    public init(parsing text: some StringProtocol) throws(LoyaltyError) {
        let halves = text.split(separator: ":", maxSplits: 1)
        let ratio = halves.count == 2 ? halves[1].split(separator: "/", maxSplits: 1) : []
        guard halves.count == 2, ratio.count == 2, let points = Int64(ratio[0]) else {
            throw .badArgument("earn rate", "expected CUR:POINTS/AMOUNT such as EUR:1/1.00, got '\(text.prefix(40))'")
        }
        let currency = try Currency(code: String(halves[0]))
        let amount = try Money(parsing: ratio[1], currency: currency, argument: "earn rate")
        try self.init(currency: currency, points: points, perMinorUnits: amount.minorUnits)
    }

    /// Whole points earned for an amount in this rate's currency, rounded down.
    public func points(for amount: Money) -> Int64 {
        precondition(amount.currency == currency, "earn rate applied to another currency")
        // amount ≤ 10^11 and points ≤ 10^6, so the product stays far below Int64.max.
        return amount.minorUnits * points / perMinorUnits
    }

    public var description: String {
        "\(currency.code):\(points)/\(Money(minorUnits: perMinorUnits, currency: currency).decimalString)"
    }
}
