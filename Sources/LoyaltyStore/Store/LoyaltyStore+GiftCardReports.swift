import Foundation
import LoyaltyCore
import PostgresNIO

extension LoyaltyStore {
    /// Outstanding liability per currency: the balances of live cards (active or blocked, not past their
    /// last day in the programme's time zone), the cards holding them, and the part held for captures.
    public func giftCardLiability() async throws(LoyaltyError) -> [GiftCardLiability] {
        try await run {
            let rows = try await client.query(
                """
                select c.currency, count(*) filter (where c.balance > 0), coalesce(sum(c.balance), 0)::int8,
                       coalesce(sum(c.held), 0)::int8
                  from gift_cards c cross join loyalty_local_date(\(rules.timeZone)) today
                 where loyalty_gift_card_state(c, today) in ('active', 'blocked')
                 group by c.currency
                 order by c.currency
                """,
                logger: logger)
            var lines: [GiftCardLiability] = []
            for try await (currency, cards, balance, held) in rows.decode((String, Int64, Int64, Int64).self) {
                lines.append(GiftCardLiability(currency: currency, cards: cards, balance: balance, held: held))
            }
            return lines
        }
    }

    /// Activities per programme day, store, currency and kind: how many, and the sums of their balance and
    /// held changes. `from` and `to` are programme days (inclusive); `store` keeps one store's terminals.
    public func giftCardActivity(from: CalendarDate?, to: CalendarDate?, store: String?) async throws(LoyaltyError)
        -> [GiftCardActivityTotal]
    {
        if let from, let to, to < from { throw .badArgument("to", "the last day comes before the first") }
        let zone = rules.timeZone
        return try await run {
            let rows = try await client.query(
                """
                select to_char((a.created_at at time zone \(zone))::date, 'YYYY-MM-DD'), a.store_code, c.currency, a.kind,
                       count(*), sum(a.amount)::int8, sum(a.held_change)::int8
                  from gift_card_activities a join gift_cards c on c.id = a.card_id
                 where (\(from?.description)::date is null or a.created_at >= (\(from?.description)::date::timestamp at time zone \(zone)))
                   and (\(to?.description)::date is null or a.created_at < ((\(to?.description)::date + 1)::timestamp at time zone \(zone)))
                   and (\(store)::text is null or a.store_code = \(store)::text)
                 group by 1, 2, 3, 4
                 order by 1, 2 nulls first, 3, 4
                """,
                logger: logger)
            var lines: [GiftCardActivityTotal] = []
            for try await (day, store, currency, kind, count, amount, held) in rows.decode(
                (String, String?, String, String, Int64, Int64, Int64).self)
            {
                lines.append(
                    GiftCardActivityTotal(day: day, store: store, currency: currency, kind: kind, count: count, amount: amount, held: held))
            }
            return lines
        }
    }

    /// Breakage per currency and month: balances the job expired (`expired`, by the month of the job's run in
    /// the programme's time zone), and balances of cards past their last day that it has not expired yet
    /// (`pending`, by the month after their last day).
    public func giftCardBreakage() async throws(LoyaltyError) -> [GiftCardBreakage] {
        let zone = rules.timeZone
        return try await run {
            let rows = try await client.query(
                """
                select currency, month, status, cards, amount from (
                    select c.currency, to_char(a.created_at at time zone \(zone), 'YYYY-MM') as month, 'expired' as status,
                           count(distinct a.card_id) as cards, sum(-a.amount)::int8 as amount
                      from gift_card_activities a join gift_cards c on c.id = a.card_id
                     where a.kind = 'expire'
                     group by 1, 2
                    union all
                    select c.currency, to_char(c.expires_on + 1, 'YYYY-MM'), 'pending', count(*), sum(c.balance)::int8
                      from gift_cards c cross join loyalty_local_date(\(zone)) today
                     where c.state in ('active', 'blocked') and c.expires_on < today and c.balance > 0
                     group by 1, 2
                ) breakage
                 order by currency, month, status
                """,
                logger: logger)
            var lines: [GiftCardBreakage] = []
            for try await (currency, month, status, cards, amount) in rows.decode((String, String, String, Int64, Int64).self) {
                lines.append(GiftCardBreakage(currency: currency, month: month, status: status, cards: cards, amount: amount))
            }
            return lines
        }
    }
}
