import Foundation
import LoyaltyCore
import PostgresNIO

extension LoyaltyStore {
    /// Members whose metrics one refresh statement recomputes: big enough to be quick in total, small
    /// enough that each transaction is short.
    static let metricsBatchSize = 5_000

    /// Recomputes the metrics of the members whose purchases changed since (the queue that every insert
    /// into purchases feeds), in batches of one transaction each. With `all`, every member with purchases
    /// is queued first: after a change of `programme.time-zone` or `tracker.currency`. Returns the members
    /// refreshed.
    ///
    /// On a read-only database (a streaming replica) nothing is refreshed and 0 returned: readers there see
    /// the metrics as the primary last refreshed them (docs/scaling.md).
    @discardableResult
    public func refreshPurchaseMetrics(all: Bool = false) async throws(LoyaltyError) -> Int {
        let zone = rules.timeZone
        let currency = trackerRules.currency.code
        return try await runUnlessReadOnly(otherwise: 0) {
            if all {
                try await client.query("select loyalty_queue_all_purchase_metrics()", logger: logger).decode(Int.self)
                    .reduce(0) { $0 + $1 }
            }
            var total = 0
            while true {
                var taken = 0
                let rows = try await client.query(
                    "select loyalty_refresh_purchase_metrics(\(zone), \(currency), \(Self.metricsBatchSize)::int)", logger: logger)
                for try await count in rows.decode(Int.self) { taken = count }
                total += taken
                if taken < Self.metricsBatchSize { return total }
            }
        }
    }

    /// Scores recency, frequency and monetary value 1–5 by quintiles over the members with purchases who
    /// are not closed, and names their RFM segments, after folding in the queued members' new purchases.
    /// Returns the population scored.
    @discardableResult
    public func scoreRFM() async throws(LoyaltyError) -> Int {
        try await refreshPurchaseMetrics()
        let currency = trackerRules.currency.code
        return try await run {
            var population = 0
            let rows = try await client.query("select loyalty_score_rfm(\(currency))", logger: logger)
            for try await count in rows.decode(Int.self) { population = count }
            return population
        }
    }

    /// One member's purchase metrics, current as of this call (the member's queued changes are folded in
    /// first), or nil when the member has no purchase day.
    public func purchaseMetrics(_ member: MemberReference) async throws(LoyaltyError) -> MemberPurchaseMetrics? {
        try await refreshPurchaseMetrics()
        let zone = rules.timeZone
        let lapse = lapseJSON
        return try await run {
            let rows = try await client.query(
                """
                select m.number, to_char(x.first_purchase_on, 'YYYY-MM-DD'), to_char(x.last_purchase_on, 'YYYY-MM-DD'),
                       x.purchase_days, x.receipts, x.returns, x.spend, x.currency, x.spend / x.receipts,
                       x.mean_gap_days::text, x.median_gap_days::text, to_char(x.expected_next_on, 'YYYY-MM-DD'),
                       today - x.last_purchase_on,
                       loyalty_lapse_state(x.last_purchase_on, x.median_gap_days, today, \(lapse)::jsonb),
                       loyalty_lapse_threshold(x.median_gap_days, \(lapse)::jsonb),
                       x.recency_score::int, x.frequency_score::int, x.monetary_score::int, x.rfm_segment
                  from members m
                  join member_purchase_metrics x on x.member_id = m.id
                  cross join loyalty_local_date(\(zone)) today
                 where m.id = loyalty_member_id(\(member.kind), \(member.value))
                """,
                logger: logger)
            var metrics: MemberPurchaseMetrics?
            for try await row in rows.decode(
                (String, String, String, Int, Int, Int, Int64, String, Int64, String?, String?, String?, Int, String, Int, Int?, Int?, Int?,
                    String?).self)
            {
                metrics = MemberPurchaseMetrics(
                    member: row.0, firstPurchase: row.1, lastPurchase: row.2, purchaseDays: row.3, receipts: row.4, returns: row.5,
                    spend: row.6, currency: row.7, averageSpend: row.8, meanGapDays: row.9, medianGapDays: row.10,
                    expectedNextPurchase: row.11, daysSinceLastPurchase: row.12, lapseState: row.13, lapseThresholdDays: row.14,
                    recencyScore: row.15, frequencyScore: row.16, monetaryScore: row.17, rfmSegment: row.18)
            }
            if metrics == nil {
                // Tell "no such member" from "no purchases yet".
                _ = try await client.query(
                    "select loyalty_member_id(\(member.kind), \(member.value))", logger: logger
                ).decode(Int64.self).reduce(0) { $0 + $1 }
            }
            return metrics
        }
    }
}
