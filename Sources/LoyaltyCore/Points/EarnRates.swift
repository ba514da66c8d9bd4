/// The programme's base earning rates, one per currency it accepts.
///
/// A currency without a rate is refused rather than given a guessed one: one point per major unit
/// is generous in euros and absurd in rupiah.
public struct EarnRates: Sendable, Hashable {
    private var rates: [Currency: EarnRate]

    public init(_ rates: [EarnRate]) {
        self.rates = Dictionary(rates.map { ($0.currency, $0) }, uniquingKeysWith: { _, last in last })
    }

    /// What a programme accepts when it configures nothing: one point per 1.00 EUR, USD, GBP and CHF,
    /// and per 100 JPY.
    public static let standard = EarnRates(
        [Currency.euro, .usDollar, .poundSterling, .swissFranc].map(EarnRate.onePointPerMajorUnit)
            + [EarnRate.onePointPerHundredYen])

    /// The configured rate for a currency, if the programme accepts it.
    public func rate(for currency: Currency) -> EarnRate? {
        rates[currency]
    }

    /// Base points for a purchase amount; `BAD_ARGUMENT` for a currency the programme does not accept.
    public func points(for amount: Money) throws(LoyaltyError) -> Int64 {
        guard let rate = rates[amount.currency] else {
            throw .badArgument(
                "currency",
                "\(amount.currency.code) is not accepted by this programme (accepted: "
                    + configured.map(\.currency.code).joined(separator: ", ") + ")")
        }
        return rate.points(for: amount)
    }

    public var configured: [EarnRate] {
        rates.values.sorted { $0.currency.code < $1.currency.code }
    }
}
