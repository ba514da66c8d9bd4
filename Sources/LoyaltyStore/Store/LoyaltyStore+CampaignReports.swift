import Foundation
import LoyaltyCore
import PostgresNIO

extension LoyaltyStore {
    /// Attribution of the sent campaigns (or the one `code`), oldest send first: per arm, the members,
    /// those with a sale within the window after their contact (holdout: after the send), and the revenue
    /// of the sales within the window net of their returns, in `tracker.currency`. `windowDays` overrides
    /// each campaign's own attribution window.
    public func campaignReport(code: RecordCode?, windowDays: Int?) async throws(LoyaltyError) -> CampaignReport {
        if let windowDays, !CampaignDefinition.windowRange.contains(windowDays) {
            throw .badArgument("window", "1 to 365 days")
        }
        if let code { _ = try await campaign(code) }
        let currency = trackerRules.currency.code
        return try await run {
            let rows = try await client.query(
                """
                with sent as (
                    select c.*, coalesce(\(windowDays)::int, c.attribution_days) as days
                      from campaigns c
                     where c.sent_at is not null and (\(code?.value)::text is null or c.code = \(code?.value)::text)
                ), arms as (
                    select s.id, cm.arm, count(*) as members, count(*) filter (where w.sales > 0) as purchasers,
                           coalesce(sum(w.revenue), 0)::int8 as revenue
                      from sent s
                      join campaign_members cm on cm.campaign_id = s.id
                      cross join lateral (select coalesce(cm.contacted_at, s.sent_at) as t0) t
                      cross join lateral (
                          select count(*) as sales,
                                 coalesce(sum(p.amount_minor - coalesce(r.amount, 0)) filter (where p.currency = \(currency)), 0) as revenue
                            from purchases p
                            left join lateral (
                                select sum(q.amount_minor) as amount from purchases q
                                 where q.member_id = p.member_id and q.returns_purchase_id = p.id
                            ) r on true
                           where p.member_id = cm.member_id and p.kind = 'sale'
                             and p.purchased_at >= t.t0 and p.purchased_at < t.t0 + make_interval(days => s.days)
                      ) w
                     group by s.id, cm.arm
                )
                select s.code, s.name, s.channel, s.sent_at, s.days, s.holdout_percent, s.cost_minor, s.currency,
                       coalesce(c.members, 0)::int8, coalesce(c.purchasers, 0)::int8, coalesce(c.revenue, 0)::int8,
                       coalesce(h.members, 0)::int8, coalesce(h.purchasers, 0)::int8, coalesce(h.revenue, 0)::int8
                  from sent s
                  left join arms c on c.id = s.id and c.arm = 'contacted'
                  left join arms h on h.id = s.id and h.arm = 'holdout'
                 order by s.sent_at, s.code
                """,
                logger: logger)
            var campaigns: [CampaignAttribution] = []
            for try await row in rows {
                let cells = row.makeRandomAccess()
                campaigns.append(
                    CampaignAttribution(
                        code: try cells[0].decode(String.self), name: try cells[1].decode(String.self),
                        channel: try cells[2].decode(String.self), sentAt: try cells[3].decode(Date.self),
                        windowDays: try cells[4].decode(Int.self), holdoutPercent: try cells[5].decode(Int.self),
                        costMinor: try cells[6].decode(Int64.self), costCurrency: try cells[7].decode(String.self),
                        contacted: CampaignArmFigures(
                            members: try cells[8].decode(Int64.self), purchasers: try cells[9].decode(Int64.self),
                            revenueMinor: try cells[10].decode(Int64.self)),
                        holdout: CampaignArmFigures(
                            members: try cells[11].decode(Int64.self), purchasers: try cells[12].decode(Int64.self),
                            revenueMinor: try cells[13].decode(Int64.self))))
            }
            return CampaignReport(currency: currency, campaigns: campaigns)
        }
    }

    /// Per acquisition source (by code), then the members without one: members brought (merged members
    /// not counted), customers (a purchase day), repeat customers (two or more), their spend net of returns
    /// in `tracker.currency`, and the source's cost. Purchase metrics are refreshed first.
    public func sourceReport() async throws(LoyaltyError) -> SourceReport {
        try await refreshPurchaseMetrics()
        let currency = trackerRules.currency.code
        return try await run {
            let rows = try await client.query(
                """
                with base as (
                    select m.source_id, x.member_id is not null as customer, coalesce(x.purchase_days, 0) >= 2 as repeater,
                           case when x.currency = \(currency) then x.spend else 0 end as spend
                      from members m left join member_purchase_metrics x on x.member_id = m.id
                     where m.merged_into is null
                ), figures as (
                    select source_id, count(*) as members, count(*) filter (where customer) as customers,
                           count(*) filter (where repeater) as repeaters, coalesce(sum(spend), 0) as revenue
                      from base group by source_id
                )
                select s.code, s.name, s.channel, coalesce(f.members, 0)::int8, coalesce(f.customers, 0)::int8,
                       coalesce(f.repeaters, 0)::int8, coalesce(f.revenue, 0)::int8, s.cost_minor, s.currency
                  from acquisition_sources s left join figures f on f.source_id = s.id
                union all
                select null, null, null, f.members::int8, f.customers::int8, f.repeaters::int8, f.revenue::int8, null, null
                  from figures f where f.source_id is null
                 order by 1 nulls last
                """,
                logger: logger)
            var sources: [SourceReportRow] = []
            for try await (code, name, channel, members, customers, repeaters, revenue, cost, costCurrency) in rows.decode(
                (String?, String?, String?, Int64, Int64, Int64, Int64, Int64?, String?).self)
            {
                sources.append(
                    SourceReportRow(
                        source: code, name: name, channel: channel, members: members, customers: customers, repeatCustomers: repeaters,
                        revenueMinor: revenue, costMinor: cost, costCurrency: costCurrency))
            }
            return SourceReport(currency: currency, sources: sources)
        }
    }
}
