import Foundation
import LoyaltyCore
import PostgresNIO

extension LoyaltyStore {
    /// Subscribes `url` to the events `types` (exact types or prefixes ending in a dot), from now on, and
    /// returns the subscription with its signing secret, which is derived from the installation key and
    /// never stored. Audited (`webhook.add`).
    public func addWebhook(url: String, types: [String], note: String?, actor: String) async throws(LoyaltyError) -> (WebhookRecord, String) {
        let key = try requireKey()
        var generator = SystemRandomNumberGenerator()
        let salt = (0..<16).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let id: Int64 = try await run {
            let rows = try await client.query(
                "select loyalty_webhook_add(\(url), \(types)::text[], \(ByteBuffer(bytes: salt)), \(note), \(actor))", logger: logger)
            for try await id in rows.decode(Int64.self) { return id }
            throw LoyaltyError(.internal, "webhook not added")
        }
        guard let record = try await webhooks(id: id).first else { throw LoyaltyError(.internal, "webhook \(id) not found") }
        return (record, key.webhookSecret(salt: record.secretSalt))
    }

    /// The subscriptions (removed ones left out), or the one with `id`, with their queue's counts.
    public func webhooks(id: Int64? = nil, activeOnly: Bool = false) async throws(LoyaltyError) -> [WebhookRecord] {
        try await run {
            let rows = try await client.query(
                """
                select w.id, w.url, w.types, w.status, w.note, w.created_by, w.created_at,
                       count(*) filter (where d.status = 'pending'), count(*) filter (where d.status = 'delivered'),
                       count(*) filter (where d.status = 'dead'), w.secret_salt
                  from webhooks w left join webhook_deliveries d on d.webhook_id = w.id
                 where w.status <> 'removed' and (\(id)::bigint is null or w.id = \(id)::bigint)
                   and (not \(activeOnly) or w.status = 'active')
                 group by w.id order by w.id
                """,
                logger: logger)
            var records: [WebhookRecord] = []
            for try await row in rows.decode((Int64, String, [String], String, String?, String, Date, Int64, Int64, Int64, ByteBuffer).self) {
                var salt = row.10
                records.append(
                    WebhookRecord(
                        id: row.0, url: row.1, types: row.2, status: row.3, note: row.4, createdBy: row.5, createdAt: row.6,
                        pending: row.7, delivered: row.8, dead: row.9, secretSalt: salt.readBytes(length: salt.readableBytes) ?? []))
            }
            return records
        }
    }

    /// The signing secret of a subscription (the sender needs it; `webhook add` printed it once).
    public func webhookSecret(_ webhook: WebhookRecord) throws(LoyaltyError) -> String {
        try requireKey().webhookSecret(salt: webhook.secretSalt)
    }

    /// `active`, `paused` or `removed`. Audited (`webhook.resume`, `.pause`, `.remove`); `NOT_FOUND` for an
    /// unknown subscription.
    public func setWebhookStatus(_ id: Int64, to status: String, actor: String) async throws(LoyaltyError) {
        try await run {
            // Reading the (empty) row is what surfaces the function's error.
            let rows = try await client.query("select loyalty_webhook_set_status(\(id), \(status), \(actor))", logger: logger)
            for try await _ in rows {}
        }
    }

    /// Queues the given deliveries (or, with `deliveries` nil, every dead one of `webhook`) for a new series
    /// of attempts; returns how many. Audited (`webhook.replay`).
    public func replayWebhookDeliveries(webhook: Int64?, deliveries: [Int64]?, actor: String) async throws(LoyaltyError) -> Int64 {
        try await run {
            let rows = try await client.query(
                "select loyalty_webhook_replay(\(webhook)::bigint, \(deliveries)::bigint[], \(actor))", logger: logger)
            for try await count in rows.decode(Int64.self) { return count }
            return 0
        }
    }

    /// The delivery log, newest first: by subscription and status.
    public func webhookDeliveries(webhook: Int64?, status: String?, limit: Int) async throws(LoyaltyError) -> [WebhookDeliveryRecord] {
        try await run {
            let rows = try await client.query(
                """
                select d.id, d.webhook_id, d.event_id, d.event_type, d.status, d.attempts,
                       case when d.status = 'pending' then d.next_attempt_at end, d.last_status, d.last_error,
                       d.created_at, d.delivered_at
                  from webhook_deliveries d join webhooks w on w.id = d.webhook_id and w.status <> 'removed'
                 where (\(webhook)::bigint is null or d.webhook_id = \(webhook)::bigint)
                   and (\(status)::text is null or d.status = \(status)::text)
                 order by d.id desc
                 limit \(limit)::int
                """,
                logger: logger)
            var records: [WebhookDeliveryRecord] = []
            for try await row in rows.decode((Int64, Int64, Int64, String, String, Int32, Date?, Int32?, String?, Date, Date?).self) {
                records.append(
                    WebhookDeliveryRecord(
                        id: row.0, webhook: row.1, event: row.2, eventType: row.3, status: row.4, attempts: Int(row.5),
                        nextAttemptAt: row.6, lastStatus: row.7.map(Int.init), lastError: row.8, createdAt: row.9, deliveredAt: row.10))
            }
            return records
        }
    }

    /// Copies up to `limit` new events of the subscription into its queue; fewer than `limit` means caught up.
    public func enqueueWebhookEvents(_ webhook: Int64, limit: Int) async throws(LoyaltyError) -> Int {
        try await run {
            let rows = try await client.query("select loyalty_webhook_enqueue(\(webhook), \(limit)::int)", logger: logger)
            for try await count in rows.decode(Int32.self) { return Int(count) }
            return 0
        }
    }

    /// Claims the deliveries to attempt now (due, and the oldest pending one of each member), oldest first,
    /// leasing them for `lease`: no other sender gets them meanwhile, and if this one dies they are due
    /// again when the lease ends.
    public func claimWebhookDeliveries(_ webhook: Int64, limit: Int, lease: Duration) async throws(LoyaltyError) -> [DueWebhookDelivery] {
        let seconds = Int(max(1, lease.components.seconds))
        return try await run {
            let rows = try await client.query(
                "select id, event_id, body, attempts from loyalty_webhook_claim(\(webhook), \(limit)::int, \(seconds)::int)",
                logger: logger)
            var due: [DueWebhookDelivery] = []
            for try await (id, event, body, attempts) in rows.decode((Int64, Int64, String, Int32).self) {
                due.append(DueWebhookDelivery(id: id, event: event, body: body, attempts: Int(attempts)))
            }
            return due.sorted { $0.id < $1.id }
        }
    }

    /// Records an attempt (the HTTP status, or the error when there was no response) and returns what
    /// became of the delivery: `delivered`, `retry`, `dead`, or `gone` (replayed or finished meanwhile).
    public func recordWebhookAttempt(
        _ delivery: Int64, statusCode: Int?, error: String?, duration: Duration, policy: WebhookRetryPolicy
    ) async throws(LoyaltyError) -> String {
        let milliseconds = Int(duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000)
        return try await run {
            let rows = try await client.query(
                """
                select loyalty_webhook_attempted(\(delivery), \(statusCode)::int, \(error), \(milliseconds)::int,
                                                 \(policy.maximumAttempts)::int, \(policy.backoffSeconds)::int,
                                                 \(policy.maximumBackoffSeconds)::int)
                """,
                logger: logger)
            for try await outcome in rows.decode(String.self) { return outcome }
            return "gone"
        }
    }
}
