import Foundation
import LoyaltyCore
import PostgresNIO

extension LoyaltyStore {
    /// The id of the card an administrator names.
    /// - Throws: `NOT_FOUND` when no card matches; `BAD_ARGUMENT`, listing the candidates' ids, when the last
    ///   four characters match more than one card of the batch.
    public func giftCardID(_ reference: GiftCardReference) async throws(LoyaltyError) -> Int64 {
        let ids: [Int64] = try await run {
            let rows: PostgresRowSequence
            switch reference {
            case .code(let code):
                let hash = ByteBuffer(bytes: try requireKey().giftCardCodeHash(code))
                rows = try await client.query("select id from gift_cards where code_hash = \(hash)", logger: logger)
            case .last4(let batch, let last4):
                rows = try await client.query(
                    "select id from gift_cards where batch_id = \(batch) and code_last4 = \(last4) order by id limit 20", logger: logger)
            case .id(let id):
                rows = try await client.query("select id from gift_cards where id = \(id)", logger: logger)
            }
            var ids: [Int64] = []
            for try await id in rows.decode(Int64.self) { ids.append(id) }
            return ids
        }
        guard let first = ids.first else {
            switch reference {
            case .code: throw LoyaltyError(.notFound, "no gift card with this code")
            case .last4(let batch, let last4): throw LoyaltyError(.notFound, "no gift card ending in \(last4) in batch \(batch)")
            case .id(let id): throw LoyaltyError(.notFound, "no gift card \(id)")
            }
        }
        guard ids.count == 1 else {
            throw LoyaltyError(
                .badArgument,
                "\(ids.count) gift cards of the batch end in these four characters (ids \(ids.map(String.init).joined(separator: ", "))): give the full code or --id")
        }
        return first
    }

    /// One card, with its state as people see it (`expired` once past its last day).
    /// - Throws: as ``giftCardID(_:)``.
    public func giftCard(_ reference: GiftCardReference) async throws(LoyaltyError) -> GiftCardRecord {
        try await giftCard(id: try await giftCardID(reference))
    }

    /// A member's gift cards, newest first.
    /// - Throws: `NOT_FOUND` for an unknown member.
    public func giftCards(of member: MemberReference) async throws(LoyaltyError) -> [GiftCardRecord] {
        try await run {
            try await Self.giftCards(
                from: client.query(
                    """
                    \(unescaped: Self.giftCardSelect) cross join loyalty_local_date(\(rules.timeZone)) today
                     where c.member_id = loyalty_member_id(\(member.kind), \(member.value))
                     order by c.id desc
                    """,
                    logger: logger))
        }
    }

    /// A card's activities, oldest first: the ledger its balance is the sum of.
    public func giftCardHistory(_ reference: GiftCardReference) async throws(LoyaltyError) -> [GiftCardActivityRecord] {
        let id = try await giftCardID(reference)
        return try await run {
            let rows = try await client.query(
                """
                select a.id, a.kind, a.amount, a.held_change, a.balance_after, a.held_after, t.name, a.store_code, a.request_id,
                       a.actor, a.receipt, a.reason, a.hold_id, a.created_at
                  from gift_card_activities a left join terminals t on t.id = a.terminal_id
                 where a.card_id = \(id)
                 order by a.id
                """,
                logger: logger)
            var activities: [GiftCardActivityRecord] = []
            for try await row in rows {
                let cells = row.makeRandomAccess()
                activities.append(
                    GiftCardActivityRecord(
                        id: try cells[0].decode(Int64.self), kind: try cells[1].decode(String.self),
                        amount: try cells[2].decode(Int64.self), heldChange: try cells[3].decode(Int64.self),
                        balanceAfter: try cells[4].decode(Int64.self), heldAfter: try cells[5].decode(Int64.self),
                        terminal: try cells[6].decode(String?.self), store: try cells[7].decode(String?.self),
                        request: try cells[8].decode(String?.self), actor: try cells[9].decode(String?.self),
                        receipt: try cells[10].decode(String?.self), reason: try cells[11].decode(String?.self),
                        hold: try cells[12].decode(Int64?.self), at: try cells[13].decode(Date.self)))
            }
            return activities
        }
    }

    /// Blocks, unblocks, adjusts or closes a card, with a reason, audited (`loyalty_gift_card_admin`).
    /// Returns the card afterwards.
    /// - Throws: `BAD_ARGUMENT` without a reason or for a zero adjustment; `INSUFFICIENT_FUNDS` for an
    ///   adjustment that would take more than is available; the card's state (`CARD_INACTIVE`, `CARD_BLOCKED`,
    ///   `CARD_CLOSED`, `CARD_ACTIVE`) when it does not allow the action.
    public func administerGiftCard(
        _ reference: GiftCardReference, _ action: GiftCardAdminAction, reason: String, actor: String
    ) async throws(LoyaltyError) -> GiftCardRecord {
        let reason = try FieldRules.requiredText(reason, field: "reason", maximumLength: 500)
        if let amount = action.amount {
            guard amount != 0 else { throw .badArgument("amount", "an adjustment cannot be zero") }
            guard (-Money.maximumMinorUnits...Money.maximumMinorUnits).contains(amount) else {
                throw .badArgument("amount", "amount is too large")
            }
        }
        let id = try await giftCardID(reference)
        try await run {
            // The rows are read to the end: a refusal raised by the function arrives with them.
            let rows = try await client.query(
                """
                select loyalty_gift_card_admin(\(actor), \(id), \(action.kind), \(action.amount)::bigint, \(reason),
                                               \(rules.timeZone))::text
                """,
                logger: logger)
            for try await _ in rows {}
        }
        return try await giftCard(id: id)
    }

    /// Links a card to a member, or unlinks it (`member` nil); audited. Returns the card afterwards.
    public func linkGiftCard(_ reference: GiftCardReference, to member: MemberReference?, actor: String)
        async throws(LoyaltyError) -> GiftCardRecord
    {
        let id = try await giftCardID(reference)
        try await run {
            let rows = try await client.query(
                "select loyalty_link_gift_card(\(actor), \(id), \(member?.kind)::text, \(member?.value)::text)", logger: logger)
            for try await _ in rows {}
        }
        return try await giftCard(id: id)
    }

    /// The gift card job (`loyalty jobs run giftcards`): releases holds whose time ran out and expires the
    /// balances of cards past their last day, `batchSize` cards per call and transaction, until nothing is
    /// left; one audit record per run. Safe to run twice or concurrently (cards are locked and skipped).
    public func runGiftCardJob(actor: String, batchSize: Int = 500) async throws(LoyaltyError) -> GiftCardJobRun {
        guard (1...10_000).contains(batchSize) else { throw .badArgument("batch-size", "must be 1...10000") }
        var total = GiftCardJobRun(released: 0, expired: 0)
        while true {
            let step = try await run {
                try await decodeJSON(
                    GiftCardJobRun.self,
                    from: client.query(
                        "select loyalty_gift_card_job(\(actor), \(rules.timeZone), \(batchSize)::int)::text", logger: logger))
            }
            total.released += step.released
            total.expired += step.expired
            guard step.released > 0 || step.expired > 0 else { break }
        }
        try await run {
            try await client.query(
                """
                insert into audit_log (actor, action, details)
                values (\(actor), 'job.giftcards',
                        jsonb_build_object('released', \(total.released)::int, 'expired', \(total.expired)::int))
                """,
                logger: logger)
        }
        return total
    }

    /// One card by id.
    func giftCard(id: Int64) async throws(LoyaltyError) -> GiftCardRecord {
        let cards = try await run {
            try await Self.giftCards(
                from: client.query(
                    "\(unescaped: Self.giftCardSelect) cross join loyalty_local_date(\(rules.timeZone)) today where c.id = \(id)", logger: logger))
        }
        guard let card = cards.first else { throw LoyaltyError(.notFound, "no gift card \(id)") }
        return card
    }

    /// The select ``giftCards(from:)`` reads, from `gift_cards c`; it needs the programme's day as `today`
    /// (`cross join loyalty_local_date(<time zone>) today`) for the card's state.
    static let giftCardSelect = """
        select c.id, c.batch_id, c.code_last4, loyalty_gift_card_state(c, today), c.currency, c.balance, c.held,
               to_char(c.expires_on, 'YYYY-MM-DD'), m.number, c.pin_hash is not null, b.issued_by, b.issued_at, l.kind,
               l.created_at
          from gift_cards c
          join gift_card_batches b on b.id = c.batch_id
          left join members m on m.id = c.member_id
          left join lateral (select x.kind, x.created_at from gift_card_activities x where x.card_id = c.id
                              order by x.id desc limit 1) l on true
        """

    static func giftCards(from rows: PostgresRowSequence) async throws -> [GiftCardRecord] {
        var cards: [GiftCardRecord] = []
        for try await row in rows {
            let cells = row.makeRandomAccess()
            let balance = try cells[5].decode(Int64.self)
            let held = try cells[6].decode(Int64.self)
            cards.append(
                GiftCardRecord(
                    id: try cells[0].decode(Int64.self), batch: try cells[1].decode(Int64.self), last4: try cells[2].decode(String.self),
                    state: try cells[3].decode(String.self), currency: try cells[4].decode(String.self), balance: balance,
                    held: held, available: balance - held, expires: try cells[7].decode(String?.self),
                    member: try cells[8].decode(String?.self), pin: try cells[9].decode(Bool.self),
                    issuedBy: try cells[10].decode(String.self), issuedAt: try cells[11].decode(Date.self),
                    lastActivity: try cells[12].decode(String?.self), lastActivityAt: try cells[13].decode(Date?.self)))
        }
        return cards
    }
}
