-- 0006 Tier evaluation: downgrades by the evaluation job (`loyalty jobs run tiers`), and `tier set` dating
-- the evaluation. Qualifying by measure and period, and evaluation dates, are defined in 0004
-- (loyalty_qualifying, loyalty_evaluation_date, member_tiers.evaluation_on); the rules below say how
-- they are used.
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

-- Evaluation dates ------------------------------------------------------------------------------

-- Whether a member's tier is due for evaluation now: on or after the evaluation date plus the grace days,
-- and not while a manual tier's end date (its last day) has not passed.
create function loyalty_tier_evaluation_due(p_rules jsonb, p_evaluation_on date, p_since timestamptz,
                                            p_manual_until date) returns boolean
language sql stable as $$
    select coalesce(p_evaluation_on, loyalty_evaluation_date(p_rules, p_since)) + (p_rules->>'grace_days')::int
               <= (now() at time zone (p_rules->>'time_zone'))::date
       and (p_manual_until is null or p_manual_until < (now() at time zone (p_rules->>'time_zone'))::date)
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
