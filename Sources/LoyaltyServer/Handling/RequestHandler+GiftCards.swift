import LoyaltyCore
import LoyaltyProtocol
import LoyaltyStore

extension RequestHandler {
    /// `GIFT BALANCE`: the card's state and money, read only.
    func giftBalance(_ balance: GiftBalanceRequest, terminalID: Int64) async throws(LoyaltyError) -> Reply {
        let result = try await withTimeout {
            try await store.giftCardBalance(balance.code, pin: balance.pin, terminal: terminalID)
        }
        return .ok(try Self.giftCardFields(result))
    }

    /// `GIFT ACTIVATE|LOAD|REDEEM|REFUND|HOLD|CAPTURE|RELEASE`: one store call with its idempotency record.
    func giftCard(_ gift: GiftCardRequest, terminalID: Int64, request: Request) async throws(LoyaltyError) -> Reply {
        let origin = try origin(terminalID, gift.requestID, request)
        let operation = gift.action
        let result = try await withTimeout {
            try await store.giftCard(operation, code: gift.code, pin: gift.pin, origin: origin)
        }
        return .ok(try Self.giftCardFields(result))
    }

    /// `card=LAST4 state=… currency=CUR balance=DEC held=DEC available=DEC [expires=YYYY-MM-DD] [member=N]`,
    /// then what the verb did (`loaded`, `redeemed`, `refunded`, `hold`, `held_amount`, `due`, `hold_until`,
    /// `captured`, `released`) and `activity=ID`. Amounts are decimals in the card's currency.
    static func giftCardFields(_ result: GiftCardResult) throws(LoyaltyError) -> ReplyFields {
        func amount(_ minorUnits: Int64?) throws(LoyaltyError) -> String? {
            guard let minorUnits else { return nil }
            return try result.money(minorUnits).decimalString
        }
        var fields: ReplyFields = ["card": result.card, "state": result.state, "currency": result.currency]
        fields.append("balance", try amount(result.balance))
        fields.append("held", try amount(result.held))
        fields.append("available", try amount(result.available))
        fields.append("expires", result.expires)
        fields.append("member", result.member)
        fields.append("loaded", try amount(result.loaded))
        fields.append("redeemed", try amount(result.redeemed))
        fields.append("refunded", try amount(result.refunded))
        fields.append("hold", result.hold.map(String.init))
        fields.append("held_amount", try amount(result.heldAmount))
        fields.append("due", try amount(result.due))
        fields.append("hold_until", result.holdUntil)
        fields.append("captured", try amount(result.captured))
        fields.append("released", try amount(result.released))
        fields.append("activity", result.activity.map(String.init))
        return fields
    }
}
