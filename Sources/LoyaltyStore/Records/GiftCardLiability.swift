/// Money owed on live gift cards in one currency: cards active or blocked and not past their last day.
/// Amounts are minor units of ``currency``.
public struct GiftCardLiability: Sendable, Hashable, Codable {
    public var currency: String
    /// Live cards with a balance.
    public var cards: Int64
    public var balance: Int64
    /// Part of the balance held for captures still to come.
    public var held: Int64

    public init(currency: String, cards: Int64, balance: Int64, held: Int64) {
        self.currency = currency
        self.cards = cards
        self.balance = balance
        self.held = held
    }
}
