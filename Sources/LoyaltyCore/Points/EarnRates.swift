/// The programme's base earning rates, one per currency, with a default for currencies not listed.
public struct EarnRates: Sendable, Hashable {
    private var rates: [Currency: EarnRate]

    public init(_ rates: [EarnRate] = []) {
        self.rates = Dictionary(rates.map { ($0.currency, $0) }, uniquingKeysWith: { _, last in last })
    }

    /// The rate for a currency: the configured one, or one point per major unit.
    public func rate(for currency: Currency) -> EarnRate {
        rates[currency] ?? .onePointPerMajorUnit(currency)
    }

    /// Base points for a purchase amount.
    public func points(for amount: Money) -> Int64 {
        rate(for: amount.currency).points(for: amount)
    }

    public var configured: [EarnRate] {
        rates.values.sorted { $0.currency.code < $1.currency.code }
    }
}
