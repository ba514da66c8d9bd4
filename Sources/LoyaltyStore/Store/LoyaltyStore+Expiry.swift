import Foundation
import LoyaltyCore
import PostgresNIO

extension LoyaltyStore {
    /// The expiry job: expires every point that is due under the programme's policy, one member per
    /// transaction, walking the candidates in member order so that the run ends. Idempotent and safe to
    /// run concurrently (see `loyalty_expire_member`); one audit record per run.
    public func expirePoints(actor: String, batchSize: Int = 500) async throws(LoyaltyError) -> ExpiryRun {
        var run = ExpiryRun(members: 0, points: 0)
        var after: Int64 = 0
        while true {
            let batch = try await self.run {
                var ids: [Int64] = []
                let rows = try await client.query(
                    "select member_id from loyalty_expiry_candidates(\(rulesJSON)::jsonb, \(after), \(batchSize)::int)",
                    logger: logger)
                for try await id in rows.decode(Int64.self) { ids.append(id) }
                return ids
            }
            for member in batch {
                let expired = try await self.run {
                    var points: Int64 = 0
                    let rows = try await client.query(
                        "select loyalty_expire_member(\(member), \(rulesJSON)::jsonb, \(actor))", logger: logger)
                    for try await value in rows.decode(Int64.self) { points = value }
                    return points
                }
                if expired > 0 {
                    run.members += 1
                    run.points += expired
                }
            }
            guard let last = batch.last, batch.count == batchSize else { break }
            after = last
        }
        try await self.run {
            try await client.query(
                """
                insert into audit_log (actor, action, details)
                values (\(actor), 'job.expiry',
                        jsonb_build_object('members', \(run.members)::int, 'points', \(run.points)::bigint,
                                           'policy', \(rules.points.expiry.policy)::text))
                """,
                logger: logger)
        }
        return run
    }

    /// Members with points that expire within `days` days, soonest first (closed members left out).
    public func pointsExpiring(withinDays days: Int) async throws(LoyaltyError) -> [ExpiringPoints] {
        guard (1...3660).contains(days) else { throw LoyaltyError.badArgument("within", "must be 1...3660 days") }
        return try await run {
            let rows = try await client.query(
                """
                select m.number, m.first_name, m.last_name, m.email, m.phone, m.email_consent, m.sms_consent,
                       x.points, x.first_expiry, a.balance
                  from loyalty_points_expiring(\(rulesJSON)::jsonb, make_interval(days => \(days)::int)) x
                  join members m on m.id = x.member_id
                  join point_accounts a on a.member_id = x.member_id
                 order by x.first_expiry, m.number
                """,
                logger: logger)
            var list: [ExpiringPoints] = []
            for try await (number, first, last, email, phone, emailConsent, smsConsent, points, expiry, balance) in rows.decode(
                (String, String, String, String?, String?, Bool, Bool, Int64, Date, Int64).self)
            {
                list.append(
                    ExpiringPoints(
                        member: number, firstName: first, lastName: last, email: email, phone: phone,
                        emailConsent: emailConsent, smsConsent: smsConsent, points: points, firstExpiry: expiry,
                        balance: balance))
            }
            return list
        }
    }
}
