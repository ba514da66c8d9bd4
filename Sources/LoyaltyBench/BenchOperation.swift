/// One kind of request the load generator sends.
public enum BenchOperation: Int, Sendable, CaseIterable, Codable {
    case earn, balance, member, redeem, giftRedeem, giftBalance, reverse

    /// The verb as the protocol spells it, which also names the operation in the report.
    public var verb: String {
        switch self {
        case .earn: "EARN"
        case .balance: "BALANCE"
        case .member: "MEMBER"
        case .redeem: "REDEEM"
        case .giftRedeem: "GIFT REDEEM"
        case .giftBalance: "GIFT BALANCE"
        case .reverse: "REVERSE"
        }
    }

    /// Whether the request changes data and so carries a fresh `req` id.
    var isMutating: Bool {
        switch self {
        case .earn, .redeem, .giftRedeem, .reverse: true
        case .balance, .member, .giftBalance: false
        }
    }
}
