import Foundation
import LoyaltyCore
import PostgresNIO

extension LoyaltyStore {
    /// GIFT BALANCE: a card's state and money. A card with a PIN needs it. Wrong codes and PINs are
    /// counted against the terminal (and the card) like those of the other gift-card requests.
    public func giftCardBalance(_ code: GiftCardCode, pin: GiftCardPIN?, terminal: Int64) async throws(LoyaltyError)
        -> GiftCardResult
    {
        try await run {
            try await giftCall(
                verb: "GIFT BALANCE", code: code, pin: pin, terminal: terminal, request: nil, fingerprint: nil,
                operation: nil)
        }
    }

    /// A till's gift-card request (activate, load, redeem, refund, hold, capture, release), in one call
    /// and one transaction with its idempotency record. A retry with the same request id replays the
    /// stored reply.
    ///
    /// The request's fingerprint names the code, so it is keyed before it is stored, as for vouchers.
    public func giftCard(_ operation: GiftCardOperation, code: GiftCardCode, pin: GiftCardPIN?, origin: Origin)
        async throws(LoyaltyError) -> GiftCardResult
    {
        guard case .terminal(let terminal, let request, let fingerprint) = origin else {
            throw LoyaltyError(.badArgument, "gift cards are used at a till; administrators use `loyalty giftcard`")
        }
        let keyed = try requireKey().keyedFingerprint(fingerprint, verb: operation.verb)
        return try await runIdempotent {
            try await giftCall(
                verb: operation.verb, code: code, pin: pin, terminal: terminal, request: request.value, fingerprint: keyed,
                operation: operation)
        }
    }

    private func giftCall(
        verb: String, code: GiftCardCode, pin: GiftCardPIN?, terminal: Int64, request: String?, fingerprint: String?,
        operation: GiftCardOperation?
    ) async throws -> GiftCardResult {
        let key = try requireKey()
        let codeHash = ByteBuffer(bytes: key.giftCardCodeHash(code))
        let pinHash = pin.map { ByteBuffer(bytes: key.giftCardPINHash($0, code: code)) }
        let money = operation?.money
        let member = operation?.member
        let statement = GiftStatement(
            terminal: terminal, request: request, verb: verb, fingerprint: fingerprint, codeHash: codeHash, pinHash: pinHash,
            amountMinor: money?.minorUnits, currency: money?.currency.code, partial: operation?.partial ?? false,
            holdID: operation?.holdID, receipt: operation?.receipt, memberKind: member?.kind, memberValue: member?.value,
            rules: giftRulesJSON, timeZone: rules.timeZone)
        return try await decodeJSON(GiftCardResult.self, texts: client.execute(statement, logger: logger))
    }
}
