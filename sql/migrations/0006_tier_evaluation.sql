-- 0006 Tier evaluation: qualification by points or by spend, over a rolling window or the calendar year;
-- evaluation dates; and downgrades by the evaluation job (`loyalty jobs run tiers`).
--
-- Reads these keys of p_rules (built by ProgrammeRules+Database.swift; see 0004's header): period,
-- window_months, measure, spend_currency, downgrade_steps, grace_days, time_zone.
--
-- Rules (docs/programme.md §3):
--   * Qualifying is, by measure, the base points of purchases (as in 0003), or the spend: the amounts of
--     the member's sales less their returns (purchases.kind = 'return') in the spend currency, in minor
--     units. With 'spend' the tiers' thresholds are minor units of that currency (100000 = 1000.00 EUR).
--     A reversal, and a return, counts at the time of the sale it takes back.
--   * The period is the last window_months months back from now ('rolling'), or the current calendar
--     year in the programme's time zone ('calendar-year').
--   * A member keeps a tier until its evaluation date (member_tiers.evaluation_on): 'rolling', window_months
--     after they reached or were last confirmed in it; 'calendar-year', the end of that calendar year
--     (evaluated on 1 January); a tier set by hand with an end date, the day after that date.
--   * The evaluation is due on the evaluation date plus grace_days (local dates), never while a manual tier's
--     end date has not passed, never for the lowest tier or a closed member. A member who still qualifies is
--     confirmed (a new evaluation date); one who does not moves down downgrade_steps tiers (null: straight
--     to the tier they qualify for), never below the tier they qualify for, recorded as a 'downgrade' in
--     tier_changes with a note saying why. For the calendar year, both the year that ended at the
--     evaluation date and the current one count (the better of the two), so that a member already
--     requalifying during the grace days keeps the tier.

-- The evaluation date. Rows from before this migration have none and are dated from `since` under the
-- programme's rules when they are evaluated (the rules are configuration, unknown to a migration); a
-- tier set by hand with an end date is evaluated the day after it.
alter table member_tiers add column evaluation_on date;
update member_tiers set evaluation_on = manual_until + 1 where manual_until is not null;

-- Qualifying ------------------------------------------------------------------------------------

-- The member's qualifying points, or spend in minor units, in the period that `p_at` falls in (rolling:
-- the window ending at p_at; calendar-year: p_at's calendar year in the programme's time zone).
create function loyalty_qualifying(p_member bigint, p_rules jsonb, p_at timestamptz) returns bigint
language plpgsql stable as $$
declare
    zone text := p_rules->>'time_zone';
    calendar boolean := p_rules->>'period' = 'calendar-year';
    starts timestamptz;
    ends timestamptz;
    total bigint;
begin
    if calendar then
        starts := date_trunc('year', p_at at time zone zone) at time zone zone;
        ends := (date_trunc('year', p_at at time zone zone) + interval '1 year') at time zone zone;
    else
        starts := p_at - make_interval(months => (p_rules->>'window_months')::int);
        ends := p_at;
    end if;
    if p_rules->>'measure' = 'spend' then
        select coalesce(sum(case p.kind when 'sale' then p.amount_minor else -p.amount_minor end), 0)::bigint
          into total
          from purchases p
          left join purchases sale on sale.id = p.returns_purchase_id
         where p.member_id = p_member and p.currency = p_rules->>'spend_currency'
           and case when calendar
                    then coalesce(sale.purchased_at, p.purchased_at) >= starts
                         and coalesce(sale.purchased_at, p.purchased_at) < ends
                    else coalesce(sale.purchased_at, p.purchased_at) > starts
                         and coalesce(sale.purchased_at, p.purchased_at) <= ends end;
    else
        select coalesce(sum(i.points), 0)::bigint into total
          from point_entry_items i
         where i.member_id = p_member and i.item = 'base'
           and case when calendar then i.counts_at >= starts and i.counts_at < ends
                    else i.counts_at > starts and i.counts_at <= ends end;
    end if;
    return total;
end
$$;

-- The member's tier (the lowest one without a record), the next one up and what is still needed: as in
-- 0004, with qualifying by the programme's measure and period.
create or replace function loyalty_tier_status(p_member bigint, p_rules jsonb)
returns table (tier_id bigint, tier_code text, tier_rank int, multiplier_percent int, qualifying bigint,
               next_code text, to_next bigint)
language sql stable as $$
    with current_tier as (
        select t.* from tiers t
         where t.id = coalesce((select mt.tier_id from member_tiers mt where mt.member_id = p_member),
                               (select lowest.id from tiers lowest order by lowest.rank limit 1))
    ), qualifying as (
        select loyalty_qualifying(p_member, p_rules, now()) as points
    ), next_tier as (
        select t.* from tiers t, current_tier c where t.rank > c.rank order by t.rank limit 1
    )
    select c.id, c.code, c.rank, c.multiplier_percent, q.points, n.code, greatest(n.threshold - q.points, 0)
      from current_tier c cross join qualifying q left join next_tier n on true
$$;

-- Evaluation dates ------------------------------------------------------------------------------

-- The evaluation date of a tier reached or confirmed at `p_at`: window_months later (rolling), or
-- 1 January after p_at's calendar year (calendar-year), in the programme's time zone.
create function loyalty_evaluation_date(p_rules jsonb, p_at timestamptz) returns date
language sql stable as $$
    select case when p_rules->>'period' = 'calendar-year'
                then (date_trunc('year', p_at at time zone (p_rules->>'time_zone')) + interval '1 year')::date
                else ((p_at at time zone (p_rules->>'time_zone'))::date
                      + make_interval(months => (p_rules->>'window_months')::int))::date end
$$;

-- Whether a member's tier is due for evaluation now: on or after the evaluation date plus the grace days,
-- and not while a manual tier's end date (its last day) has not passed.
create function loyalty_tier_evaluation_due(p_rules jsonb, p_evaluation_on date, p_since timestamptz,
                                            p_manual_until date) returns boolean
language sql stable as $$
    select coalesce(p_evaluation_on, loyalty_evaluation_date(p_rules, p_since)) + (p_rules->>'grace_days')::int
               <= (now() at time zone (p_rules->>'time_zone'))::date
       and (p_manual_until is null or p_manual_until < (now() at time zone (p_rules->>'time_zone'))::date)
$$;

-- Moving up (as in 0004), now also dating the tier's evaluation.
create or replace function loyalty_qualify(p_member bigint, p_rules jsonb, p_entry bigint, p_actor text)
returns table (tier_id bigint, tier_code text, tier_rank int, multiplier_percent int, qualifying bigint,
               next_code text, to_next bigint)
language plpgsql as $$
#variable_conflict use_column
declare
    status record;
    target tiers%rowtype;
begin
    select * into status from loyalty_tier_status(p_member, p_rules);
    if status.tier_id is not null then
        select * into target from tiers t where t.threshold <= status.qualifying order by t.rank desc limit 1;
    end if;
    if target.id is null or target.rank <= status.tier_rank then
        return query select status.tier_id, status.tier_code, status.tier_rank, status.multiplier_percent,
                            status.qualifying, status.next_code, status.to_next
                      where status.tier_id is not null;
        return;
    end if;
    insert into member_tiers (member_id, tier_id, since, evaluation_on)
    values (p_member, target.id, now(), loyalty_evaluation_date(p_rules, now()))
    on conflict (member_id) do update set tier_id = excluded.tier_id, since = excluded.since,
                                          evaluation_on = excluded.evaluation_on,
                                          manual_until = null, manual_reason = null;
    insert into tier_changes (member_id, from_tier_id, to_tier_id, reason, actor, entry_id)
    values (p_member, status.tier_id, target.id, 'qualified', p_actor, p_entry);
    return query select * from loyalty_tier_status(p_member, p_rules);
end
$$;

-- `tier set` (as in 0003), now dating the evaluation: the day after the end date, or (no end date) from
-- `since` under the programme's rules when the job looks at it.
create or replace function loyalty_set_tier(p_admin text, p_kind text, p_value text, p_tier text, p_reason text,
                                            p_until date)
returns jsonb
language plpgsql as $$
declare
    member members%rowtype;
    target tiers%rowtype;
    previous bigint;
begin
    select * into member from members where id = loyalty_member_id(p_kind, p_value);
    if member.status = 'closed' then
        raise exception 'member is closed' using errcode = 'LY410';
    end if;
    select * into target from tiers where code = p_tier;
    if not found then
        raise exception 'no tier with code %', p_tier using errcode = 'LY404';
    end if;
    if p_until is not null and p_until <= current_date then
        raise exception 'the end date must be in the future' using errcode = 'LY400';
    end if;
    previous := coalesce((select mt.tier_id from member_tiers mt where mt.member_id = member.id),
                         (select lowest.id from tiers lowest order by lowest.rank limit 1));
    insert into member_tiers (member_id, tier_id, since, manual_until, manual_reason, evaluation_on)
    values (member.id, target.id, now(), p_until, p_reason, p_until + 1)
    on conflict (member_id) do update set tier_id = excluded.tier_id, since = excluded.since,
                                          manual_until = excluded.manual_until, manual_reason = excluded.manual_reason,
                                          evaluation_on = excluded.evaluation_on;
    insert into tier_changes (member_id, from_tier_id, to_tier_id, reason, note, actor)
    values (member.id, previous, target.id, 'manual', p_reason, p_admin);
    insert into audit_log (actor, action, subject, details)
    values (p_admin, 'tier.set', member.number,
            jsonb_strip_nulls(jsonb_build_object('tier', target.code, 'reason', p_reason, 'until', p_until)));
    return jsonb_build_object('member', member.number, 'tier', target.code);
end
$$;

-- The evaluation job -------------------------------------------------------------------------------

-- Members whose tier evaluation is due, after `p_after` in member id order (the job's keyset pages).
create function loyalty_tier_evaluation_candidates(p_rules jsonb, p_after bigint, p_limit int)
returns table (member_id bigint)
language sql stable as $$
    select mt.member_id
      from member_tiers mt
      join tiers t on t.id = mt.tier_id
      join members m on m.id = mt.member_id
     where mt.member_id > p_after
       and m.status <> 'closed'
       and t.rank > (select min(lowest.rank) from tiers lowest)
       and loyalty_tier_evaluation_due(p_rules, mt.evaluation_on, mt.since, mt.manual_until)
     order by mt.member_id
     limit p_limit
$$;

-- Evaluates one member's tier, if (still) due, and returns what it did:
--   {"outcome": "not-due"}, or {"outcome": "confirmed" | "downgraded" | "upgraded", "member", "from", "to",
--    "qualifying", "threshold", "evaluation_on"}.
-- Idempotent and safe to run concurrently: it locks the member's account and tier rows (in the order an
-- earn does) and checks again that the evaluation is due; a confirmation or a move dates the next
-- evaluation, so a second call finds nothing due. With p_dry_run it writes nothing.
create function loyalty_evaluate_tier(p_member bigint, p_rules jsonb, p_actor text, p_dry_run boolean)
returns jsonb
language plpgsql as $$
declare
    zone text := p_rules->>'time_zone';
    steps int := (p_rules->>'downgrade_steps')::int;
    held record;
    evaluation date;
    qualifying bigint;
    reached tiers%rowtype;
    target tiers%rowtype;
    outcome text;
    note text;
begin
    perform 1 from point_accounts a where a.member_id = p_member for update;
    select mt.tier_id, mt.since, mt.evaluation_on, mt.manual_until, t.code, t.rank, t.threshold, m.number, m.status
      into held
      from member_tiers mt
      join tiers t on t.id = mt.tier_id
      join members m on m.id = mt.member_id
     where mt.member_id = p_member
       for update of mt;
    if not found or held.status = 'closed' or held.rank = (select min(lowest.rank) from tiers lowest)
       or not loyalty_tier_evaluation_due(p_rules, held.evaluation_on, held.since, held.manual_until) then
        return jsonb_build_object('outcome', 'not-due');
    end if;

    evaluation := coalesce(held.evaluation_on, loyalty_evaluation_date(p_rules, held.since));
    qualifying := loyalty_qualifying(p_member, p_rules, now());
    if p_rules->>'period' = 'calendar-year' then
        qualifying := greatest(qualifying,
                               loyalty_qualifying(p_member, p_rules, (evaluation - 1)::timestamp at time zone zone));
    end if;
    select * into reached from tiers t where t.threshold <= greatest(qualifying, 0) order by t.rank desc limit 1;

    if reached.rank = held.rank then
        outcome := 'confirmed';
        target := reached;
    elsif reached.rank > held.rank then
        -- Only when a tier was set by hand below what the member qualifies for.
        outcome := 'upgraded';
        target := reached;
    else
        outcome := 'downgraded';
        if steps is not null then
            select * into target from tiers t where t.rank < held.rank order by t.rank desc offset steps - 1 limit 1;
        end if;
        if target.id is null or target.rank < reached.rank then
            target := reached;
        end if;
    end if;

    note := format('qualifying %s of %s %s at evaluation %s', qualifying, held.threshold,
                   case when p_rules->>'measure' = 'spend' then (p_rules->>'spend_currency') || ' (minor units)'
                        else 'points' end,
                   evaluation);
    if not p_dry_run then
        update member_tiers
           set tier_id = target.id,
               since = case when target.id = held.tier_id then since else now() end,
               evaluation_on = loyalty_evaluation_date(p_rules, now()),
               manual_until = null, manual_reason = null
         where member_id = p_member;
        if target.id <> held.tier_id then
            insert into tier_changes (member_id, from_tier_id, to_tier_id, reason, note, actor)
            values (p_member, held.tier_id, target.id,
                    case when outcome = 'downgraded' then 'downgrade' else 'qualified' end, note, p_actor);
        end if;
    end if;
    return jsonb_build_object('outcome', outcome, 'member', held.number, 'from', held.code, 'to', target.code,
                              'qualifying', qualifying, 'threshold', held.threshold, 'evaluation_on', evaluation);
end
$$;
