import LoyaltyCore

/// A batch of gift cards to issue (`loyalty giftcard issue`).
public struct NewGiftCardBatch: Sendable, Hashable {
    /// Cards in the batch, 1…100,000.
    public var count: Int
    public var currency: Currency
    /// Each card's value in minor units: loaded at issue, or at activation for an inactive batch. Nil
    /// only for an inactive batch whose cards are sold with a value the till chooses.
    public var amount: Int64?
    /// The cards' last day, if any.
    public var expires: CalendarDate?
    /// Whether each card gets a PIN.
    public var withPIN: Bool
    /// Whether the cards are printed for sale (inactive until a till activates them) rather than loaded now.
    public var inactive: Bool
    /// What the batch is for (`corporate order ACME`, `goodwill`).
    public var note: String?

    /// - Throws: `BAD_ARGUMENT` for a count outside 1…100,000, an amount that is not positive or is too
    ///   large, or an active batch without an amount.
    public init(
        count: Int, currency: Currency, amount: Int64?, expires: CalendarDate? = nil, withPIN: Bool = false,
        inactive: Bool = false, note: String? = nil
    ) throws(LoyaltyError) {
        guard (1...100_000).contains(count) else { throw .badArgument("count", "issue 1 to 100000 cards at a time") }
        if let amount, !(1...Money.maximumMinorUnits).contains(amount) {
            throw .badArgument("amount", "a card's value must be positive and at most \(Money.maximumMinorUnits) minor units")
        }
        guard amount != nil || inactive else {
            throw .badArgument("amount", "cards issued active need an amount (only --inactive cards may be sold with any value)")
        }
        if let note, note.isEmpty || note.count > 200 { throw .badArgument("note", "1 to 200 characters") }
        self.count = count
        self.currency = currency
        self.amount = amount
        self.expires = expires
        self.withPIN = withPIN
        self.inactive = inactive
        self.note = note
    }
}

/// A batch just issued: its id and the only copy of its codes and PINs.
public struct IssuedGiftCardBatch: Sendable, Hashable {
    public struct Card: Sendable, Hashable {
        public var code: GiftCardCode
        public var pin: GiftCardPIN?

        public init(code: GiftCardCode, pin: GiftCardPIN?) {
            self.code = code
            self.pin = pin
        }
    }

    public var batch: Int64
    public var cards: [Card]
}
