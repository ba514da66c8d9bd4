/// What a till's mutating gift-card request asks for, one case per sub-verb of `GIFT` (docs/protocol.md,
/// Gift cards): the protocol parses it, the store carries it out.
public enum GiftCardOperation: Sendable, Hashable {
    /// Sells a printed card: loads `amount`, or the batch's printed value when nil; optionally links a member.
    case activate(amount: Money?, member: MemberReference?, receipt: String?)
    /// Tops the card up.
    case load(Money, receipt: String?)
    /// Pays with the card. With `partial`, pays what the card holds when that is less, and the result's
    /// `due` says what is left to pay.
    case redeem(Money, partial: Bool, receipt: String?)
    /// Puts money back onto the card after a return, up to what was paid with it.
    case refund(Money, receipt: String?)
    /// Sets an amount aside for a later capture (split tenders). `partial` as for redeem.
    case hold(Money, partial: Bool, receipt: String?)
    /// Takes the held amount, or less (`amount`), and releases the rest.
    case capture(hold: Int64, amount: Money?, receipt: String?)
    /// Gives a held amount back to the card's available balance.
    case release(hold: Int64)

    /// The sub-verbs of `GIFT`, in the order of the protocol document (`BALANCE` first, which reads only).
    public static let subVerbs = ["BALANCE", "ACTIVATE", "LOAD", "REDEEM", "REFUND", "HOLD", "CAPTURE", "RELEASE"]

    /// The protocol verb, as recorded with the request.
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

    /// Whether the card's PIN must be given (the operations that take money off the card).
    public var needsPIN: Bool {
        switch self {
        case .redeem, .hold: true
        default: false
        }
    }

    /// The amount the request names, if any.
    public var money: Money? {
        switch self {
        case .activate(let amount, _, _): amount
        case .load(let money, _), .redeem(let money, _, _), .refund(let money, _), .hold(let money, _, _): money
        case .capture(_, let amount, _): amount
        case .release: nil
        }
    }

    /// Whether partial approval was asked for.
    public var partial: Bool {
        switch self {
        case .redeem(_, let partial, _), .hold(_, let partial, _): partial
        default: false
        }
    }

    /// The hold a capture or release ends.
    public var holdID: Int64? {
        switch self {
        case .capture(let hold, _, _), .release(let hold): hold
        default: nil
        }
    }

    /// The till's receipt reference.
    public var receipt: String? {
        switch self {
        case .activate(_, _, let receipt), .load(_, let receipt), .redeem(_, _, let receipt), .refund(_, let receipt),
            .hold(_, _, let receipt), .capture(_, _, let receipt):
            receipt
        case .release: nil
        }
    }

    /// The member an activation links the card to.
    public var member: MemberReference? {
        if case .activate(_, let member, _) = self { return member }
        return nil
    }
}
