import LoyaltyCore

/// What a till asks of a gift card (docs/protocol.md, Gift cards).
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

    var money: Money? {
        switch self {
        case .activate(let amount, _, _): amount
        case .load(let money, _), .redeem(let money, _, _), .refund(let money, _), .hold(let money, _, _): money
        case .capture(_, let amount, _): amount
        case .release: nil
        }
    }

    var partial: Bool {
        switch self {
        case .redeem(_, let partial, _), .hold(_, let partial, _): partial
        default: false
        }
    }

    var holdID: Int64? {
        switch self {
        case .capture(let hold, _, _), .release(let hold): hold
        default: nil
        }
    }

    var receipt: String? {
        switch self {
        case .activate(_, _, let receipt), .load(_, let receipt), .redeem(_, _, let receipt), .refund(_, let receipt),
            .hold(_, _, let receipt), .capture(_, _, let receipt):
            receipt
        case .release: nil
        }
    }

    var member: MemberReference? {
        if case .activate(_, let member, _) = self { return member }
        return nil
    }
}
