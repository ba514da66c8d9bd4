import Foundation
import LoyaltyCore
import PostgresNIO

extension LoyaltyStore {
    /// Members (not closed) whose birthday, or with `anniversaries` whose enrolment anniversary (one year
    /// at least), falls from today to `days` days ahead in the programme's time zone, soonest first. A
    /// 29 February birthday falls on 28 February in common years. `today` is for tests.
    public func upcomingAnniversaries(withinDays days: Int, anniversaries: Bool = false, today: CalendarDate? = nil)
        async throws(LoyaltyError) -> [MemberAnniversary]
    {
        guard (1...366).contains(days) else { throw LoyaltyError.badArgument("within", "must be 1...366 days") }
        return try await run {
            let rows = try await client.query(
                """
                with today as (select coalesce(\(today?.description)::date, loyalty_local_date(\(rules.timeZone))) as d),
                found as (
                    select b.* from today cross join lateral loyalty_birthdays(today.d, \(days)::int) b where not \(anniversaries)
                    union all
                    select a.* from today cross join lateral loyalty_enrolment_anniversaries(today.d, \(days)::int, \(rules.timeZone)) a
                     where \(anniversaries)
                )
                select m.number, m.first_name, m.last_name, to_char(f.on_date, 'YYYY-MM-DD'), (f.on_date - today.d)::int, f.years,
                       m.email, m.email_consent, m.phone, m.sms_consent
                  from found f join members m on m.id = f.member_id cross join today
                 order by f.on_date, m.last_name, m.first_name, m.number
                """,
                logger: logger)
            var list: [MemberAnniversary] = []
            for try await (number, first, last, on, inDays, years, email, emailConsent, phone, smsConsent) in rows.decode(
                (String, String, String, String, Int, Int, String?, Bool, String?, Bool).self)
            {
                list.append(
                    MemberAnniversary(
                        member: number, firstName: first, lastName: last, on: on, inDays: inDays, years: years, email: email,
                        emailConsent: emailConsent, phone: phone, smsConsent: smsConsent))
            }
            return list
        }
    }

    /// The birthday job: grants `rules.points` to every active member whose birthday is today or fell in
    /// the last `rules.catchUpDays` days (not before they joined) and who has not had the bonus for that
    /// year, one member per transaction, in member order in batches. Each grant is one `bonus` entry; the
    /// `birthday_bonuses` primary key makes a second one for the same year impossible, so a rerun or a
    /// concurrent run grants nothing twice. One audit row per run (`job.birthdays`); a dry run only
    /// counts and writes nothing. `today` is for tests.
    public func grantBirthdayBonuses(
        _ bonus: BirthdayBonusRules, actor: String, dryRun: Bool = false, today: CalendarDate? = nil, batchSize: Int = 500
    ) async throws(LoyaltyError) -> BirthdayBonusRun {
        var outcome = BirthdayBonusRun(granted: 0, points: 0, dryRun: dryRun)
        guard bonus.isOn else { return outcome }
        let day: String = try await run {
            let rows = try await client.query(
                "select to_char(coalesce(\(today?.description)::date, loyalty_local_date(\(rules.timeZone))), 'YYYY-MM-DD')",
                logger: logger)
            for try await text in rows.decode(String.self) { return text }
            throw LoyaltyError(.internal, "no date")
        }
        var after: Int64 = 0
        while true {
            let batch = try await self.run {
                var ids: [Int64] = []
                let rows = try await client.query(
                    """
                    select member_id from loyalty_birthday_bonus_candidates(
                        \(day)::date, \(bonus.catchUpDays)::int, \(rules.timeZone), \(after), \(batchSize)::int)
                    """,
                    logger: logger)
                for try await id in rows.decode(Int64.self) { ids.append(id) }
                return ids
            }
            for member in batch {
                if dryRun {
                    outcome.granted += 1
                    outcome.points += bonus.points
                    continue
                }
                let entry: Int64? = try await self.run {
                    let rows = try await client.query(
                        """
                        select loyalty_grant_birthday_bonus(\(member), \(day)::date, \(bonus.catchUpDays)::int, \(bonus.points),
                                                            \(rulesJSON)::jsonb, \(actor))
                        """,
                        logger: logger)
                    for try await entry in rows.decode(Int64?.self) { return entry }
                    return nil
                }
                if entry != nil {
                    outcome.granted += 1
                    outcome.points += bonus.points
                }
            }
            guard let last = batch.last, batch.count == batchSize else { break }
            after = last
        }
        guard !dryRun else { return outcome }
        try await self.run {
            try await client.query(
                """
                insert into audit_log (actor, action, details)
                values (\(actor), 'job.birthdays',
                        jsonb_build_object('granted', \(outcome.granted)::int, 'points', \(outcome.points)::bigint,
                                           'points_each', \(bonus.points)::bigint, 'catch_up_days', \(bonus.catchUpDays)::int,
                                           'day', \(day)::text))
                """,
                logger: logger)
        }
        return outcome
    }
}
