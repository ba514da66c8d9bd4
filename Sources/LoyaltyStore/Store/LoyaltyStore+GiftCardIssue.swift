import Foundation
import LoyaltyCore
import PostgresNIO

extension LoyaltyStore {
    /// Issues a batch: generates the codes (and PINs) from the system's secure generator, stores only
    /// their keyed hashes and last four characters, and returns the codes, which nothing can read back
    /// afterwards. `beforeCommit` runs with the codes before the batch is stored, so that the caller can
    /// write them somewhere safe first: if it throws, nothing is issued.
    public func issueGiftCards(
        _ batch: NewGiftCardBatch, actor: String, beforeCommit: (IssuedGiftCardBatch) throws -> Void = { _ in }
    ) async throws(LoyaltyError) -> IssuedGiftCardBatch {
        let key = try requireKey()
        var generator = SystemRandomNumberGenerator()
        var seen = Set<GiftCardCode>()
        var cards: [IssuedGiftCardBatch.Card] = []
        cards.reserveCapacity(batch.count)
        while cards.count < batch.count {
            let code = GiftCardCode.random(using: &generator)
            guard seen.insert(code).inserted else { continue }
            cards.append(.init(code: code, pin: batch.withPIN ? GiftCardPIN.random(using: &generator) : nil))
        }
        let codeHashes = cards.map { key.giftCardCodeHash($0.code).hexEncoded }
        let last4s = cards.map(\.code.last4)
        let pinHashes: [String]? =
            batch.withPIN ? cards.map { card in card.pin.map { key.giftCardPINHash($0, code: card.code).hexEncoded } ?? "" } : nil
        var issued = IssuedGiftCardBatch(batch: 0, cards: cards)
        return try await run {
            try await client.withTransaction(logger: logger) { connection in
                let rows = try await connection.query(
                    """
                    select loyalty_issue_gift_cards(\(actor), \(batch.currency.code), \(batch.currency.minorUnitDigits)::int,
                                                    \(batch.amount)::bigint, \(batch.expires?.description)::date,
                                                    \(!batch.inactive), \(batch.note)::text,
                                                    \(codeHashes)::text[], \(last4s)::text[], \(pinHashes)::text[])
                    """,
                    logger: logger)
                for try await id in rows.decode(Int64.self) { issued.batch = id }
                try beforeCommit(issued)
                return issued
            }
        }
    }
}
