import Foundation
import LoyaltyCore
import PostgresNIO

extension LoyaltyStore {
    /// The batches, oldest first, with their cards issued and activated, the money loaded and the balances
    /// still outstanding: the "cards issued versus activated per batch" report.
    public func giftCardBatches() async throws(LoyaltyError) -> [GiftCardBatchRecord] {
        try await run { try await Self.giftCardBatches(from: client.query(
                    "\(unescaped: Self.batchSelect) cross join loyalty_local_date(\(rules.timeZone)) today order by b.id",
                    logger: logger)) }
    }

    /// One batch. - Throws: `NOT_FOUND`.
    public func giftCardBatch(_ id: Int64) async throws(LoyaltyError) -> GiftCardBatchRecord {
        let batches = try await run {
            try await Self.giftCardBatches(from: client.query(
                    "\(unescaped: Self.batchSelect) cross join loyalty_local_date(\(rules.timeZone)) today where b.id = \(id)",
                    logger: logger))
        }
        guard let batch = batches.first else { throw LoyaltyError(.notFound, "no gift card batch \(id)") }
        return batch
    }

    /// Voids a batch: closes every card of it that is not closed yet, audited. Cards already sold hold
    /// customers' money and are closed only with `force`. Returns the number of cards closed.
    /// - Throws: `BAD_ARGUMENT` without a reason, or for sold cards without `force`; `NOT_FOUND`;
    ///   `ALREADY_EXISTS` for a batch voided before.
    public func voidGiftCardBatch(_ id: Int64, reason: String, force: Bool, actor: String) async throws(LoyaltyError) -> Int {
        let reason = try FieldRules.requiredText(reason, field: "reason", maximumLength: 500)
        return try await run {
            let rows = try await client.query(
                "select (loyalty_void_gift_card_batch(\(actor), \(id), \(reason), \(force)) ->> 'closed')::int8", logger: logger)
            for try await closed in rows.decode(Int64.self) { return Int(closed) }
            throw LoyaltyError(.internal, "no result")
        }
    }

    /// The select ``giftCardBatches(from:)`` reads, from `gift_card_batches b`; it needs the programme's day as
    /// `today` (`cross join loyalty_local_date(<time zone>) today`). Outstanding counts the cards that the
    /// liability report counts, so that the batches' outstanding balances add up to the liability.
    static let batchSelect = """
        select b.id, b.currency, b.amount, b.card_count::int8, to_char(b.expires_on, 'YYYY-MM-DD'), b.with_pin, b.issued_active,
               b.note, b.issued_by, b.issued_at, b.voided_by, b.voided_at, b.void_reason,
               (select count(*) from gift_cards c
                 where c.batch_id = b.id
                   and exists (select 1 from gift_card_activities a where a.card_id = c.id and a.kind = 'activate'))::int8,
               (select coalesce(sum(a.amount), 0) from gift_cards c join gift_card_activities a on a.card_id = c.id
                 where c.batch_id = b.id and a.kind in ('activate', 'load'))::int8,
               (select coalesce(sum(c.balance), 0) from gift_cards c
                 where c.batch_id = b.id and loyalty_gift_card_state(c, today) in ('active', 'blocked'))::int8
          from gift_card_batches b
        """

    static func giftCardBatches(from rows: PostgresRowSequence) async throws -> [GiftCardBatchRecord] {
        var batches: [GiftCardBatchRecord] = []
        for try await row in rows {
            let cells = row.makeRandomAccess()
            batches.append(
                GiftCardBatchRecord(
                    id: try cells[0].decode(Int64.self), currency: try cells[1].decode(String.self),
                    amount: try cells[2].decode(Int64?.self), issued: try cells[3].decode(Int64.self),
                    activated: try cells[13].decode(Int64.self), loaded: try cells[14].decode(Int64.self),
                    outstanding: try cells[15].decode(Int64.self), expires: try cells[4].decode(String?.self),
                    pin: try cells[5].decode(Bool.self), issuedActive: try cells[6].decode(Bool.self),
                    note: try cells[7].decode(String?.self), issuedBy: try cells[8].decode(String.self),
                    issuedAt: try cells[9].decode(Date.self), voidedBy: try cells[10].decode(String?.self),
                    voidedAt: try cells[11].decode(Date?.self), voidReason: try cells[12].decode(String?.self)))
        }
        return batches
    }
}
