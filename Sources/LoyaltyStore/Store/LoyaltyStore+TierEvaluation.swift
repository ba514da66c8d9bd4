import Foundation
import LoyaltyCore
import PostgresNIO

extension LoyaltyStore {
    /// The tier evaluation job (`loyalty jobs run tiers`): evaluates every member whose evaluation date
    /// (plus the grace days) has come, under ``rules``, and writes one audit log row for the run.
    ///
    /// Members are visited in keyset-paginated batches of member ids, so the run ends even while members
    /// are added. Each member is one call of `loyalty_evaluate_tier`, in its own transaction, which locks
    /// the member and checks again that the evaluation is due: two runs at once, or a second run, change
    /// nothing twice. A failed run can simply be run again.
    /// - Parameters:
    ///   - actor: recorded on every tier change and the audit log row.
    ///   - dryRun: evaluate, but change nothing and write no audit row.
    ///   - batchSize: members fetched per page, 1...10000.
    public func evaluateTiers(actor: String, dryRun: Bool = false, batchSize: Int = 500)
        async throws(LoyaltyError) -> TierEvaluationSummary
    {
        guard (1...10_000).contains(batchSize) else { throw .badArgument("batch-size", "must be 1...10000") }
        var summary = TierEvaluationSummary(dryRun: dryRun)
        var after: Int64 = 0
        while true {
            let batch = try await tierEvaluationCandidates(after: after, limit: batchSize)
            for member in batch {
                summary.add(try await evaluateTier(memberID: member, actor: actor, dryRun: dryRun))
            }
            guard let last = batch.last, batch.count == batchSize else { break }
            after = last
        }
        if !dryRun {
            try await recordJobRun(summary, actor: actor)
        }
        return summary
    }

    /// Ids of members whose evaluation is due, above `after`, in id order.
    func tierEvaluationCandidates(after: Int64, limit: Int) async throws(LoyaltyError) -> [Int64] {
        try await run {
            let rows = try await client.query(
                "select member_id from loyalty_tier_evaluation_candidates(\(rulesJSON)::jsonb, \(after), \(limit)::int)",
                logger: logger)
            var ids: [Int64] = []
            for try await id in rows.decode(Int64.self) { ids.append(id) }
            return ids
        }
    }

    /// Evaluates one member's tier if it is (still) due: one statement, one transaction.
    func evaluateTier(memberID: Int64, actor: String, dryRun: Bool) async throws(LoyaltyError) -> TierEvaluation {
        try await run {
            let rows = try await client.query(
                "select loyalty_evaluate_tier(\(memberID), \(rulesJSON)::jsonb, \(actor), \(dryRun))::text",
                logger: logger)
            for try await text in rows.decode(String.self) {
                return try JSONDecoder().decode(TierEvaluation.self, from: Data(text.utf8))
            }
            throw LoyaltyError(.internal, "no result")
        }
    }

    private func recordJobRun(_ summary: TierEvaluationSummary, actor: String) async throws(LoyaltyError) {
        try await run {
            try await client.query(
                """
                insert into audit_log (actor, action, details)
                values (\(actor), 'job.tiers',
                        jsonb_build_object('evaluated', \(summary.evaluated), 'confirmed', \(summary.confirmed),
                                           'downgraded', \(summary.downgraded), 'upgraded', \(summary.upgraded),
                                           'skipped', \(summary.skipped)))
                """,
                logger: logger)
        }
    }
}
