import LoyaltyCore

/// `GIFT BALANCE code=CODE [pin=PIN]`: a gift card's state and money. Reads only, so it takes no `req`.
public struct GiftBalanceRequest: Sendable, Hashable {
    public var code: GiftCardCode
    /// Required by the server when the card has a PIN.
    public var pin: GiftCardPIN?

    public init(code: GiftCardCode, pin: GiftCardPIN? = nil) {
        self.code = code
        self.pin = pin
    }
}
