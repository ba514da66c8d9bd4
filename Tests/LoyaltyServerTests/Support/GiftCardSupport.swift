import LoyaltyCore
import LoyaltyStore
import LoyaltyTesting

extension TestServer {
    /// Issues `count` gift cards of `amount` minor units (as `loyalty giftcard issue` would), active
    /// unless `inactive`, and returns their codes and PINs.
    func issueGiftCards(
        count: Int = 1, amount: Int64? = 2500, currency: Currency = .euro, pin: Bool = false, inactive: Bool = false,
        expires: CalendarDate? = nil
    ) async throws -> [IssuedGiftCardBatch.Card] {
        let batch = try NewGiftCardBatch(
            count: count, currency: currency, amount: amount, expires: expires, withPIN: pin, inactive: inactive)
        return try await store.issueGiftCards(batch, actor: "test").cards
    }

    /// The sum of every gift card's activities and the sum of the cards' balances, read with SQL.
    func giftLedger() async throws -> (activities: Int64, balances: Int64) {
        let activities = try await sqlInt("select coalesce(sum(amount), 0)::int8 from gift_card_activities")
        let balances = try await sqlInt("select coalesce(sum(balance), 0)::int8 from gift_cards")
        return (activities, balances)
    }

    /// How many gift-card activities there are.
    func giftActivityCount() async throws -> Int64 {
        try await sqlInt("select count(*)::int8 from gift_card_activities")
    }
}

extension IssuedGiftCardBatch.Card {
    /// `code=… [pin=…]` as a till sends them.
    var arguments: String {
        "code=\(code.grouped)" + (pin.map { " pin=\($0.digits)" } ?? "")
    }
}

/// A well-formed gift card code (check character right) that no card has.
func unknownGiftCardCode() -> String {
    GiftCardCode.random().grouped
}
