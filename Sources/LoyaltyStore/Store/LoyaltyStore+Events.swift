import LoyaltyCore
import PostgresNIO

extension LoyaltyStore {
    /// The position after every event of a finished transaction: a reader starting here sees what is
    /// committed from now on (and the events of transactions still running).
    public func eventHorizon() async throws(LoyaltyError) -> EventPosition {
        try await run {
            let rows = try await client.query("select loyalty_event_horizon()::text", logger: logger)
            for try await text in rows.decode(String.self) {
                return EventPosition(transaction: try Self.transactionID(text), event: 0)
            }
            throw LoyaltyError(.internal, "no event horizon")
        }
    }

    /// The position just after the event `id`, to resume a reader that last saw it.
    public func eventPosition(after id: Int64) async throws(LoyaltyError) -> EventPosition {
        try await run {
            let rows = try await client.query("select loyalty_event_position(\(id))::text", logger: logger)
            for try await text in rows.decode(String?.self) {
                guard let text else { break }
                return EventPosition(transaction: try Self.transactionID(text), event: id)
            }
            throw LoyaltyError(.notFound, "no event \(id) (or not readable yet: its transaction or an older one is still running)")
        }
    }

    /// Up to `limit` events after `position` whose transactions have finished, oldest first, filtered by
    /// type (exact types or prefixes ending in a dot) and member.
    public func events(
        after position: EventPosition, types: [String]?, member: MemberReference?, limit: Int
    ) async throws(LoyaltyError) -> EventBatch {
        try await run {
            let foreign = try await client.query("select loyalty_events_foreign()", logger: logger)
            for try await isForeign in foreign.decode(Bool.self) where isForeign {
                throw LoyaltyError(
                    .configuration, "the outbox comes from another cluster (a dump restored here): run loyalty events rebase")
            }
            let rows = try await client.query(
                """
                select id, xid::text, line, upto::text
                  from loyalty_events(\(String(position.transaction))::text::xid8, \(position.event), \(types)::text[],
                                      case when \(member?.kind)::text is not null
                                           then loyalty_member_id(\(member?.kind)::text, \(member?.value)::text) end,
                                      \(limit)::int)
                """,
                logger: logger)
            var lines: [String] = []
            var last = position
            var horizon = position.transaction
            for try await (id, transaction, line, upto) in rows.decode((Int64?, String?, String?, String).self) {
                horizon = try Self.transactionID(upto)
                if let id, let transaction, let line {
                    lines.append(line)
                    last = EventPosition(transaction: try Self.transactionID(transaction), event: id)
                }
            }
            // A short read saw everything below the horizon, so the next one may start there even when the
            // filters matched nothing, instead of scanning the same events again.
            if lines.count < limit {
                return EventBatch(lines: lines, next: max(last, EventPosition(transaction: horizon, event: 0)), caughtUp: true)
            }
            return EventBatch(lines: lines, next: last, caughtUp: false)
        }
    }

    private static func transactionID(_ text: String) throws(LoyaltyError) -> UInt64 {
        guard let value = UInt64(text) else { throw LoyaltyError(.internal, "not a transaction id: \(text)") }
        return value
    }
}

extension LoyaltyStore {
    /// The events no single change causes (points about to expire within `noticeDays`, members lapsed by
    /// the tracker's rule today), each told once, and the outbox pruned of events older than
    /// `retentionDays`, as are finished webhook deliveries. The events are told in one transaction, the
    /// retention runs in batches of its own; one audit row (action `job.events`).
    public func runEventJob(noticeDays: Int, retentionDays: Int, actor: String) async throws(LoyaltyError) -> EventJobRun {
        let zone = rules.timeZone
        let lapse = lapseJSON
        // Lapses are told from the purchase metrics: bring them up to date first, as every reader does.
        _ = try await refreshPurchaseMetrics()
        let told: (expiring: Int64, lapsed: Int64) = try await run {
            let rows = try await client.query(
                """
                select expiring, lapsed from loyalty_event_job(
                    \(rulesJSON)::jsonb, \(lapse)::jsonb, loyalty_local_date(\(zone)), \(noticeDays)::int)
                """,
                logger: logger)
            for try await row in rows.decode((Int64, Int64).self) { return row }
            return (0, 0)
        }
        // The retention in batches, each its own transaction: a reader's horizon waits for one batch at most.
        let batch: Int64 = 10_000
        var pruned: Int64 = 0
        while true {
            let removed: Int64 = try await run {
                let rows = try await client.query("select loyalty_event_prune(\(retentionDays)::int, \(batch)::int)", logger: logger)
                for try await count in rows.decode(Int64.self) { return count }
                return 0
            }
            pruned += removed
            if removed < batch { break }
        }
        let deliveries: Int64 = try await run {
            let rows = try await client.query("select loyalty_webhook_prune(\(retentionDays)::int)", logger: logger)
            for try await count in rows.decode(Int64.self) { return count }
            return 0
        }
        let final = EventJobRun(expiring: told.expiring, lapsed: told.lapsed, pruned: pruned, prunedDeliveries: deliveries)
        try await run {
            let audit = try await client.query(
                """
                insert into audit_log (actor, action, details)
                values (\(actor), 'job.events',
                        jsonb_build_object('expiring', \(final.expiring), 'lapsed', \(final.lapsed), 'pruned', \(final.pruned),
                                           'pruned_deliveries', \(final.prunedDeliveries),
                                           'notice_days', \(noticeDays)::int, 'retention_days', \(retentionDays)::int))
                """,
                logger: logger)
            for try await _ in audit {}
        }
        return final
    }
}

extension LoyaltyStore {
    /// After a `pg_dump` restored into a new cluster: queues what every subscription had still to read,
    /// then makes the restored events readable here (docs/events.md). Returns the deliveries queued;
    /// `BAD_ARGUMENT` when the outbox is this cluster's own. Audited (`events.rebase`).
    public func rebaseEvents(actor: String) async throws(LoyaltyError) -> Int64 {
        try await run {
            let rows = try await client.query("select loyalty_events_rebase(\(actor))", logger: logger)
            for try await count in rows.decode(Int64.self) { return count }
            return 0
        }
    }
}
