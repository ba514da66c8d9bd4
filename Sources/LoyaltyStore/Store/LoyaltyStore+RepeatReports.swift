import Foundation
import LoyaltyCore
import PostgresNIO

extension LoyaltyStore {
    /// Repeat-purchase figures overall and by month of first purchase, store of first purchase and
    /// acquisition source, over every member with a purchase day (metrics refreshed first).
    public func repeatPurchaseReport() async throws(LoyaltyError) -> RepeatPurchaseReport {
        try await refreshPurchaseMetrics()
        let zone = rules.timeZone
        return try await run {
            let rows = try await client.query(
                """
                with base as (
                    select to_char(x.first_purchase_on, 'YYYY-MM') as month, coalesce(x.first_store, '(none)') as store,
                           coalesce(m.source_channel, '(none)') as source, x.purchase_days,
                           x.second_purchase_on - x.first_purchase_on as to_second
                      from member_purchase_metrics x join members m on m.id = x.member_id
                )
                select case when grouping(month) = 0 then 'month' when grouping(store) = 0 then 'store'
                            when grouping(source) = 0 then 'source' else 'all' end,
                       coalesce(month, store, source, 'all'), count(*), count(*) filter (where purchase_days >= 2),
                       coalesce(sum(purchase_days), 0)::int8, coalesce(sum(to_second), 0)::int8,
                       to_char(loyalty_local_date(\(zone)), 'YYYY-MM-DD')
                  from base
                 group by grouping sets ((), (month), (store), (source))
                 order by 1, 2
                """,
                logger: logger)
            var report = RepeatPurchaseReport(
                asOf: "", overall: RepeatPurchaseGroup(group: "all", customers: 0, repeatCustomers: 0, purchaseDays: 0, daysToSecondPurchase: 0),
                byFirstMonth: [], byStore: [], bySource: [])
            for try await (dimension, name, customers, repeaters, days, toSecond, today) in rows.decode(
                (String, String, Int64, Int64, Int64, Int64, String).self)
            {
                report.asOf = today
                let group = RepeatPurchaseGroup(
                    group: name, customers: customers, repeatCustomers: repeaters, purchaseDays: days, daysToSecondPurchase: toSecond)
                switch dimension {
                case "month": report.byFirstMonth.append(group)
                case "store": report.byStore.append(group)
                case "source": report.bySource.append(group)
                default: report.overall = group
                }
            }
            if report.asOf.isEmpty { report.asOf = try await today() }
            return report
        }
    }

    /// Monthly cohort retention: for each month of first purchase from `from` to `to` (first days of
    /// months; default the twelve cohorts up to the latest), its customers and how many bought in each
    /// month since, up to the latest month with a purchase.
    public func cohortReport(from: CalendarDate?, to: CalendarDate?) async throws(LoyaltyError) -> CohortReport {
        if let from, let to, to < from { throw .badArgument("to", "the last month comes before the first") }
        try await refreshPurchaseMetrics()
        let zone = rules.timeZone
        return try await run {
            let rows = try await client.query(
                """
                with cohorts as (
                    select x.member_id, date_trunc('month', x.first_purchase_on::timestamp)::date as cohort from member_purchase_metrics x
                ), bounds as (
                    select coalesce(date_trunc('month', \(to?.description)::timestamp)::date, max(cohort)) as last_cohort,
                           (select date_trunc('month', max(last_purchase_on)::timestamp)::date from member_purchase_metrics) as last_month
                      from cohorts
                ), chosen as (
                    select c.* from cohorts c, bounds b
                     where c.cohort <= b.last_cohort
                       and c.cohort >= coalesce(date_trunc('month', \(from?.description)::timestamp)::date,
                                                (b.last_cohort - interval '11 months')::date)
                ), months as (
                    select distinct p.member_id, date_trunc('month', p.purchased_at at time zone \(zone))::date as month
                      from purchases p join chosen c on c.member_id = p.member_id
                     where p.kind = 'sale'
                )
                select to_char(c.cohort, 'YYYY-MM'),
                       ((extract(year from m.month) - extract(year from c.cohort)) * 12
                        + extract(month from m.month) - extract(month from c.cohort))::int,
                       count(*),
                       ((extract(year from b.last_month) - extract(year from c.cohort)) * 12
                        + extract(month from b.last_month) - extract(month from c.cohort))::int
                  from chosen c join months m on m.member_id = c.member_id cross join bounds b
                 where m.month >= c.cohort
                 group by c.cohort, m.month, b.last_month
                 order by c.cohort, 2
                """,
                logger: logger)
            var cohorts: [CohortRow] = []
            for try await (cohort, offset, count, span) in rows.decode((String, Int, Int64, Int).self) {
                if cohorts.last?.cohort != cohort {
                    cohorts.append(CohortRow(cohort: cohort, customers: 0, active: Array(repeating: 0, count: max(span, 0) + 1)))
                }
                guard let index = cohorts.indices.last, offset >= 0, offset < cohorts[index].active.count else { continue }
                cohorts[index].active[offset] = count
                if offset == 0 { cohorts[index].customers = count }
            }
            return CohortReport(asOf: try await today(), rows: cohorts)
        }
    }

    /// The RFM grid and segments as last scored (`scoreRFM`), with spend from the current metrics.
    public func rfmReport() async throws(LoyaltyError) -> RFMReport {
        let zone = rules.timeZone
        let currency = trackerRules.currency.code
        return try await run {
            var report = RFMReport(currency: currency, scoredAt: nil, population: 0, cells: [], segments: [])
            let scoring = try await client.query("select scored_at, population, currency from rfm_scoring", logger: logger)
            for try await (at, population, scoredCurrency) in scoring.decode((Date, Int64, String).self) {
                report.scoredAt = at
                report.population = population
                report.currency = scoredCurrency
            }
            let cells = try await client.query(
                """
                select recency_score::int, frequency_score::int, count(*), coalesce(sum(spend), 0)::int8
                  from member_purchase_metrics where recency_score is not null
                 group by 1, 2 order by 1, 2
                """,
                logger: logger)
            for try await (recency, frequency, members, spend) in cells.decode((Int, Int, Int64, Int64).self) {
                report.cells.append(RFMCell(recency: recency, frequency: frequency, members: members, spend: spend))
            }
            let segments = try await client.query(
                """
                select x.rfm_segment, count(*), coalesce(sum(x.spend), 0)::int8, coalesce(sum(today - x.last_purchase_on), 0)::int8
                  from member_purchase_metrics x cross join loyalty_local_date(\(zone)) today
                 where x.rfm_segment is not null
                 group by 1
                """,
                logger: logger)
            var counts: [String: RFMSegmentCount] = [:]
            for try await (segment, members, spend, days) in segments.decode((String, Int64, Int64, Int64).self) {
                counts[segment] = RFMSegmentCount(segment: segment, members: members, spend: spend, daysSinceLastPurchase: days)
            }
            report.segments = RFMSegment.allCases.compactMap { counts[$0.rawValue] }
            return report
        }
    }

    /// Customers (members not closed with a purchase day) active, at risk and lapsed at the end of `asOf`
    /// (default today) and at the end of each of the `months` months before it. The history replays each
    /// member's purchase days with their current threshold.
    public func lapseReport(asOf: CalendarDate?, months: Int) async throws(LoyaltyError) -> LapseReport {
        guard (0...120).contains(months) else { throw .badArgument("months", "must be 0...120") }
        try await refreshPurchaseMetrics()
        let zone = rules.timeZone
        let lapse = lapseJSON
        return try await run {
            let rows = try await client.query(
                """
                with as_of as (
                    select coalesce(\(asOf?.description)::date, loyalty_local_date(\(zone))) as day
                ), days as (
                    select p.member_id, (p.purchased_at at time zone \(zone))::date as day
                      from purchases p where p.kind = 'sale'
                     group by 1, 2
                ), spans as (
                    select d.member_id, d.day, lead(d.day) over (partition by d.member_id order by d.day) as next_day
                      from days d, as_of a where d.day <= a.day
                ), ends as (
                    select s.member_id, s.day, (next_month - interval '1 day')::date as end_day
                      from spans s cross join as_of a
                     cross join lateral generate_series(
                         greatest(date_trunc('month', s.day::timestamp) + interval '1 month',
                                  date_trunc('month', a.day::timestamp) - make_interval(months => \(months)::int - 1)),
                         least(coalesce(s.next_day, a.day)::timestamp, date_trunc('month', a.day::timestamp)),
                         interval '1 month') as next_month
                     where \(months)::int > 0
                    union all
                    select s.member_id, s.day, a.day
                      from spans s cross join as_of a
                     where s.next_day is null or s.next_day > a.day
                ), counts as (
                    select e.end_day, count(*) as customers, count(*) filter (where st.state = 'active') as active,
                           count(*) filter (where st.state = 'at-risk') as at_risk, count(*) filter (where st.state = 'lapsed') as lapsed
                      from ends e
                      join member_purchase_metrics x on x.member_id = e.member_id
                      join members m on m.id = e.member_id and m.status <> 'closed'
                     cross join lateral (select loyalty_lapse_state(e.day, x.median_gap_days, e.end_day, \(lapse)::jsonb) as state) st
                     group by e.end_day
                ), report_days as (
                    -- Every month end is reported, with zeros before the first customer.
                    select (date_trunc('month', a.day::timestamp) - make_interval(months => k) - interval '1 day')::date as end_day
                      from as_of a cross join generate_series(0, \(months)::int - 1) k
                    union all
                    select day from as_of
                )
                select to_char(r.end_day, 'YYYY-MM-DD'), coalesce(c.customers, 0), coalesce(c.active, 0),
                       coalesce(c.at_risk, 0), coalesce(c.lapsed, 0), r.end_day = (select day from as_of)
                  from report_days r left join counts c on c.end_day = r.end_day
                 order by r.end_day
                """,
                logger: logger)
            var history: [LapseCounts] = []
            var today: LapseCounts?
            for try await (day, customers, active, atRisk, lapsed, isAsOf) in rows.decode((String, Int64, Int64, Int64, Int64, Bool).self) {
                let counts = LapseCounts(day: day, customers: customers, active: active, atRisk: atRisk, lapsed: lapsed)
                if isAsOf { today = counts } else { history.append(counts) }
            }
            let day: String
            if let asOf { day = asOf.description } else { day = try await self.today() }
            return LapseReport(
                rule: trackerRules.lapse.summary, today: today ?? LapseCounts(day: day, customers: 0, active: 0, atRisk: 0, lapsed: 0),
                history: history)
        }
    }

    /// Today in the programme's time zone, `YYYY-MM-DD`.
    func today() async throws -> String {
        var day = ""
        let rows = try await client.query("select to_char(loyalty_local_date(\(rules.timeZone)), 'YYYY-MM-DD')", logger: logger)
        for try await value in rows.decode(String.self) { day = value }
        return day
    }
}
