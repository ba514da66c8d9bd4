/// What the load generator sends: one verb, or a till's mix of them.
public enum BenchMix: String, Sendable, CaseIterable, Codable {
    /// Only `EARN` of a purchase amount.
    case earn
    /// Only `BALANCE`.
    case balance
    /// Only `GIFT REDEEM` of a small amount.
    case giftRedeem = "gift-redeem"
    /// A till's day, per 100 requests: 50 `EARN`, 15 `BALANCE`, 10 `MEMBER`, 10 `REDEEM`,
    /// 5 `GIFT REDEEM`, 5 `GIFT BALANCE`, 5 `REVERSE` of one of the connection's own earlier `EARN`s.
    case mixed

    /// Whether the mix needs the bench's gift cards.
    public var usesGiftCards: Bool { self == .giftRedeem || self == .mixed }

    /// The operation for a roll in `0..<100`.
    func operation(roll: Int) -> BenchOperation {
        switch self {
        case .earn: return .earn
        case .balance: return .balance
        case .giftRedeem: return .giftRedeem
        case .mixed:
            switch roll {
            case 0..<50: return .earn
            case 50..<65: return .balance
            case 65..<75: return .member
            case 75..<85: return .redeem
            case 85..<90: return .giftRedeem
            case 90..<95: return .giftBalance
            default: return .reverse
            }
        }
    }
}
