import LoyaltyCore
import LoyaltyStore
import LoyaltyTesting

/// A till for gift-card store tests: its terminal, and origins with fresh request ids.
struct GiftTill {
    let store: LoyaltyStore
    let terminal: Int64

    static func open(_ db: TestDatabase, name: String = "till-1", storeCode: String = "S1", rules: GiftCardRules = .standard)
        async throws -> GiftTill
    {
        let store = LoyaltyStore(client: db.client, logger: db.logger, giftCardRules: rules, installationKey: testInstallationKey)
        let (terminal, _) = try await store.addTerminal(name: name, storeCode: storeCode, actor: "test")
        return GiftTill(store: store, terminal: terminal.id)
    }

    /// The origin of a request `request` whose meaning is `meaning` (its fingerprint).
    func origin(_ request: String, _ meaning: String? = nil) throws -> Origin {
        .terminal(id: terminal, request: try RequestID(parsing: request), fingerprint: meaning ?? "GIFT \(request)")
    }

    /// Sends `operation` for `card` under request id `request`; its fingerprint names the operation and the
    /// code, as the protocol's does, so that reusing an id for another request is a conflict.
    func run(_ operation: GiftCardOperation, _ card: IssuedGiftCardBatch.Card, request: String) async throws -> GiftCardResult {
        try await store.giftCard(
            operation, code: card.code, pin: card.pin, origin: try origin(request, "\(operation) \(card.code.canonical)"))
    }

    func balance(_ card: IssuedGiftCardBatch.Card) async throws -> GiftCardResult {
        try await store.giftCardBalance(card.code, pin: card.pin, terminal: terminal)
    }

    /// Issues `count` cards of `amount` euro cents (inactive unless `active`).
    func issue(
        _ count: Int = 1, amount: Int64? = 2500, active: Bool = false, pin: Bool = false, expires: CalendarDate? = nil
    ) async throws -> [IssuedGiftCardBatch.Card] {
        try await store.issueGiftCards(
            try NewGiftCardBatch(count: count, currency: .euro, amount: amount, expires: expires, withPIN: pin, inactive: !active),
            actor: "test"
        ).cards
    }
}

func cents(_ minorUnits: Int64) -> Money { Money(minorUnits: minorUnits, currency: .euro) }

/// How many gift cards break the ledger rules. Each card's balance and held amount must equal the sums of its activities, and the stamped
/// `balance_after`/`held_after` of its latest activity; none is negative and no held amount exceeds its balance.
func inconsistentGiftCards(_ db: TestDatabase) async throws -> Int64 {
    try await db.scalar(
        """
        select count(*)::int8 from gift_cards c
         where c.balance <> coalesce((select sum(a.amount) from gift_card_activities a where a.card_id = c.id), 0)
            or c.held <> coalesce((select sum(a.held_change) from gift_card_activities a where a.card_id = c.id), 0)
            or c.balance < 0 or c.held < 0 or c.held > c.balance
            or (c.balance, c.held) is distinct from coalesce(
                   (select (a.balance_after, a.held_after) from gift_card_activities a where a.card_id = c.id
                     order by a.id desc limit 1), (0::bigint, 0::bigint))
        """)
}
