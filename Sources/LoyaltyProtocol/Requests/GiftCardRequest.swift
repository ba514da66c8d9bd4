import LoyaltyCore

/// `GIFT ACTIVATE|LOAD|REDEEM|REFUND|HOLD|CAPTURE|RELEASE req=ID code=CODE [pin=PIN] …`: a till's request
/// that changes a gift card.
///
/// The PIN is not part of the request's meaning: a retry with the same `req` replays the first outcome
/// whatever PIN it carries, so a new PIN attempt needs a new `req` (see ``Request/fingerprint``).
public struct GiftCardRequest: Sendable, Hashable {
    public var requestID: RequestID
    public var code: GiftCardCode
    /// Given for `REDEEM` and `HOLD` of a card with a PIN; the other actions do not take one.
    public var pin: GiftCardPIN?
    public var action: GiftCardOperation

    public init(requestID: RequestID, code: GiftCardCode, pin: GiftCardPIN? = nil, action: GiftCardOperation) {
        self.requestID = requestID
        self.code = code
        self.pin = pin
        self.action = action
    }
}
