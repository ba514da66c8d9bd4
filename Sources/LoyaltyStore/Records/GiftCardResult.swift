import LoyaltyCore

/// A gift card's state and money after a till request, and what the request did. Amounts are minor
/// units of ``currency``.
public struct GiftCardResult: Sendable, Hashable, Decodable {
    /// The last four characters of the code.
    public var card: String
    /// `inactive`, `active`, `blocked`, `closed` or `expired`.
    public var state: String
    public var currency: String
    public var balance: Int64
    /// Held for captures still to come.
    public var held: Int64
    /// What can be spent now: the balance less the held amount.
    public var available: Int64
    /// The last day the card can be used (`YYYY-MM-DD`), if it has one.
    public var expires: String?
    /// The member the card is linked to.
    public var member: String?
    /// The activity the request wrote (nil for a balance enquiry).
    public var activity: Int64?
    /// ACTIVATE and LOAD: the amount loaded.
    public var loaded: Int64?
    /// REDEEM: the amount paid with the card.
    public var redeemed: Int64?
    /// REDEEM and HOLD: what is left to pay by other means (partial approval).
    public var due: Int64?
    /// REFUND: the amount put back.
    public var refunded: Int64?
    /// HOLD: the hold's id, its amount and when it is released unless captured (ISO 8601).
    public var hold: Int64?
    public var heldAmount: Int64?
    public var holdUntil: String?
    /// CAPTURE: the amount taken; CAPTURE and RELEASE: the amount given back to the available balance.
    public var captured: Int64?
    public var released: Int64?
    /// Whether this is the stored reply of an earlier identical request.
    public var replayed: Bool?

    /// An amount of this card's currency.
    public func money(_ minorUnits: Int64) throws(LoyaltyError) -> Money {
        Money(minorUnits: minorUnits, currency: try Currency(code: currency))
    }
}
