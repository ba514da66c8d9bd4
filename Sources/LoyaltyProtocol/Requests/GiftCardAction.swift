import LoyaltyCore

/// What a till's mutating gift-card request asks for, one case per sub-verb of `GIFT` (docs/protocol.md,
/// Gift cards). Every amount is more than zero.
public enum GiftCardAction: Sendable, Hashable {
    /// `GIFT ACTIVATE`: sell a printed card, loading `amount` (or the card's printed value when nil),
    /// optionally linked to a member.
    case activate(amount: Money?, member: MemberReference?, receipt: String?)
    /// `GIFT LOAD`: top the card up.
    case load(Money, receipt: String?)
    /// `GIFT REDEEM`: pay with the card; with `partial`, pay what it holds when that is less.
    case redeem(Money, partial: Bool, receipt: String?)
    /// `GIFT REFUND`: put money back onto the card after a return.
    case refund(Money, receipt: String?)
    /// `GIFT HOLD`: set an amount aside for a later capture; `partial` as for redeem.
    case hold(Money, partial: Bool, receipt: String?)
    /// `GIFT CAPTURE`: take the held amount, or less (`amount`), and release the rest.
    case capture(hold: Int64, amount: Money?, receipt: String?)
    /// `GIFT RELEASE`: give a held amount back to the card's available balance.
    case release(hold: Int64)

    /// The sub-verbs of `GIFT`, in the order of the protocol document (`BALANCE` first, which reads only).
    public static let subVerbs = ["BALANCE", "ACTIVATE", "LOAD", "REDEEM", "REFUND", "HOLD", "CAPTURE", "RELEASE"]

    /// The verb as written in the spec: `GIFT REDEEM`.
    public var verb: String {
        switch self {
        case .activate: "GIFT ACTIVATE"
        case .load: "GIFT LOAD"
        case .redeem: "GIFT REDEEM"
        case .refund: "GIFT REFUND"
        case .hold: "GIFT HOLD"
        case .capture: "GIFT CAPTURE"
        case .release: "GIFT RELEASE"
        }
    }
}
