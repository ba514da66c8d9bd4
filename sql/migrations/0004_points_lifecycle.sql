-- 0004 Points lifecycle: pending points (the return window), expiry, promotions, tier qualification by
-- the programme's measure and period (rules in 0006's header), and the programme's rules passed to every
-- ledger function as one jsonb value.
--
-- p_rules (built by ProgrammeRules+Database.swift; every key is always present):
--   window_months    int   tier qualification window
--   period           text  'rolling' | 'calendar-year'
--   measure          text  'points' | 'spend'         (spend_currency text with 'spend')
--   downgrade_steps  int   tiers an evaluation may move down at once, null: no limit
--   grace_days       int   days a member who no longer qualifies keeps the tier after the evaluation date
--   pending_days     int   days a purchase's points stay pending
--   expiry           text  'never' | 'lifetime' | 'inactivity'   (expiry_months int with the latter two)
--   time_zone        text  IANA name; the programme's dates (promotion days, birthday months) are local to it
--
-- Lots. Every entry that adds points (earn, positive adjust) opens a lot: its points, what remains of
-- them, when they become spendable and when they expire. Every entry that takes points away consumes
-- lots, in the ledger trigger, in the same statement as the balance: so the sum of the remaining points
-- of a member's lots always equals their balance, and an entry can never take the same points twice.
--   * redeem consumes spendable lots only (available, not expired), the soonest to expire first;
--   * expire consumes expired lots first (then, under the inactivity policy, the rest);
--   * reverse consumes the lot of the earn it reverses first (a reversal inside the return window
--     cancels the pending points), then spendable, then pending lots, and expired lots last, so that
--     what a reversal takes does not depend on whether the expiry job has run yet;
--   * a negative adjust consumes spendable, then pending, then expired lots.

-- Entries --------------------------------------------------------------------------------------

alter table point_entries
    drop constraint point_entries_kind_check,
    add constraint point_entries_kind_check check (kind in ('earn', 'redeem', 'adjust', 'reverse', 'expire')),
    drop constraint point_entries_check1,
    add constraint point_entries_points_by_kind check (case kind
        when 'earn' then points >= 0
        when 'redeem' then points < 0
        when 'reverse' then points <= 0 and reverses_entry_id is not null
        when 'adjust' then points <> 0 and reason is not null and length(reason) > 0
        when 'expire' then points < 0 and reason is not null
    end),
    -- When the points of this entry become spendable (null: at once) and when they expire (null: never).
    add column available_at timestamptz,
    add column expires_at timestamptz,
    add constraint point_entries_lot_dates check (
        (points > 0 or (available_at is null and expires_at is null))
        and (expires_at is null or expires_at > coalesce(available_at, created_at)));

-- The last time the member earned or spent: the clock of the inactivity expiry policy.
alter table point_accounts add column last_activity_at timestamptz not null default now();
create index point_accounts_inactive on point_accounts (last_activity_at) where balance > 0;

-- Lots -----------------------------------------------------------------------------------------

create table point_lots (
    entry_id      bigint primary key references point_entries (id),
    member_id     bigint not null references members (id),
    points        bigint not null check (points > 0),
    remaining     bigint not null check (remaining >= 0),
    available_at  timestamptz not null,
    expires_at    timestamptz,
    check (remaining <= points),
    check (expires_at is null or expires_at > available_at)
);
-- A member's open lots in consumption order; the expiry job's candidates.
create index point_lots_open on point_lots (member_id, expires_at, entry_id) where remaining > 0;
create index point_lots_expiring on point_lots (expires_at) where remaining > 0 and expires_at is not null;

-- Balances from before lots existed become one lot per member, spendable now and never expiring.
insert into point_lots (entry_id, member_id, points, remaining, available_at)
select (select max(e.id) from point_entries e where e.member_id = a.member_id and e.points > 0),
       a.member_id, a.balance, a.balance, now()
  from point_accounts a
 where a.balance > 0;

-- Lots change only through the ledger trigger (trigger depth 2), and only by consuming what remains.
create function point_lots_guard() returns trigger
language plpgsql as $$
begin
    if pg_trigger_depth() >= 2 and (tg_op = 'INSERT' or (
        tg_op = 'UPDATE' and new.remaining <= old.remaining and new.entry_id = old.entry_id
        and new.member_id = old.member_id and new.points = old.points and new.available_at = old.available_at
        and new.expires_at is not distinct from old.expires_at)) then
        return new;
    end if;
    raise exception 'point_lots is maintained by the ledger: % refused', tg_op using errcode = 'LY405';
end
$$;

create trigger point_lots_guard before insert or update or delete on point_lots
    for each row execute function point_lots_guard();
create trigger point_lots_no_truncate before truncate on point_lots
    for each statement execute function refuse_change();

-- The balance trigger of 0001, now also the clock of the inactivity policy.
create or replace function point_entries_apply() returns trigger
language plpgsql as $$
declare
    new_balance bigint;
begin
    update point_accounts
       set balance = balance + new.points, updated_at = now(),
           last_activity_at = case when new.kind in ('earn', 'redeem') then now() else last_activity_at end
     where member_id = new.member_id
    returning balance into new_balance;
    if not found then
        raise exception 'member % has no point account', new.member_id using errcode = 'LY500';
    end if;
    new.balance_after := new_balance;
    return new;
end
$$;

-- Opens the lot of an entry that adds points, or consumes lots for one that takes points away (after
-- the insert, because a lot references its entry).
create function point_entries_allocate() returns trigger
language plpgsql as $$
declare
    due bigint := -new.points;
    lot record;
    part bigint;
begin
    if new.points > 0 then
        insert into point_lots (entry_id, member_id, points, remaining, available_at, expires_at)
        values (new.id, new.member_id, new.points, new.points, coalesce(new.available_at, new.created_at),
                new.expires_at);
        return null;
    end if;
    if due = 0 then
        return null;
    end if;
    for lot in
        select l.entry_id, l.remaining from point_lots l
         where l.member_id = new.member_id and l.remaining > 0
           and (new.kind <> 'redeem' or (l.available_at <= now() and (l.expires_at is null or l.expires_at > now())))
         order by case
                      when l.expires_at <= now() then case when new.kind = 'expire' then 0 else 4 end
                      when l.entry_id = new.reverses_entry_id then 1
                      when l.available_at <= now() then 2
                      else 3
                  end,
                  l.expires_at nulls last, l.entry_id
    loop
        part := least(due, lot.remaining);
        update point_lots set remaining = remaining - part where entry_id = lot.entry_id;
        due := due - part;
        exit when due = 0;
    end loop;
    if due > 0 then
        raise exception '% of the points are not spendable', due using errcode = 'LY402';
    end if;
    return null;
end
$$;

create trigger point_entries_allocate after insert on point_entries
    for each row execute function point_entries_allocate();

-- Points the member can spend now: available and not expired.
create function loyalty_spendable(p_member bigint) returns bigint
language sql stable as $$
    select coalesce(sum(remaining), 0)::bigint from point_lots
     where member_id = p_member and remaining > 0
       and available_at <= now() and (expires_at is null or expires_at > now())
$$;

-- Points in the balance that are still inside their return window.
create function loyalty_pending(p_member bigint) returns bigint
language sql stable as $$
    select coalesce(sum(remaining), 0)::bigint from point_lots
     where member_id = p_member and remaining > 0 and available_at > now()
$$;

-- When an earn's points become spendable and expire under the programme's rules. Only purchases wait
-- out the return window; lifetime expiry counts from the earn.
create function loyalty_lot_dates(p_rules jsonb, p_purchase boolean, out available_at timestamptz,
                                  out expires_at timestamptz)
language sql stable as $$
    select case when p_purchase and (p_rules->>'pending_days')::int > 0
                then now() + make_interval(days => (p_rules->>'pending_days')::int) end,
           case when p_rules->>'expiry' = 'lifetime'
                then now() + make_interval(months => (p_rules->>'expiry_months')::int) end
$$;

-- Items ----------------------------------------------------------------------------------------

-- Rounding, in one place: a percentage bonus on base points is rounded down.
create function loyalty_percent_bonus(p_base bigint, p_percent int) returns bigint
language sql immutable strict parallel safe as $$
    select (p_base * (p_percent - 100)) / 100
$$;

create table promotions (
    id                  bigint generated always as identity primary key,
    code                text not null unique check (code ~ '^[a-z0-9][a-z0-9_-]{0,31}$'),
    name                text not null check (length(name) between 1 and 100),
    -- Inclusive local dates in the programme's time zone.
    starts_on           date not null,
    ends_on             date not null,
    -- Null: every store (and administrators' earns); otherwise the store codes it applies at.
    stores              text[] check (cardinality(stores) between 1 and 100),
    condition           text not null default 'any' check (condition in ('any', 'first-purchase', 'birthday-month')),
    -- Either a multiplier on the base points (200 doubles them) or a fixed bonus.
    multiplier_percent  int check (multiplier_percent between 101 and 1000),
    bonus_points        bigint check (bonus_points between 1 and 1000000000),
    min_spend_minor     bigint check (min_spend_minor > 0),
    min_spend_currency  text check (min_spend_currency ~ '^[A-Z]{3}$'),
    -- How many purchases of one member it may reward; a reversal does not give a use back.
    limit_per_member    int check (limit_per_member > 0),
    status              text not null default 'active' check (status in ('active', 'ended')),
    created_at          timestamptz not null default now(),
    updated_at          timestamptz not null default now(),
    check (ends_on >= starts_on),
    check ((multiplier_percent is null) <> (bonus_points is null)),
    check ((min_spend_minor is null) = (min_spend_currency is null))
);

alter table point_entry_items
    drop constraint point_entry_items_item_check,
    add constraint point_entry_items_item_check check (item ~ '^(base|tier|promo:[a-z0-9][a-z0-9_-]{0,31})$'),
    add column promotion_id bigint references promotions (id),
    add constraint point_entry_items_promotion check ((item like 'promo:%') = (promotion_id is not null));
-- A promotion's limit per member counts its awards.
create index point_entry_items_promotion on point_entry_items (promotion_id, member_id) where promotion_id is not null;

-- A reversal takes back what is left of each item of its earn in proportion to what is left of it
-- (replacing the cumulative floor of 0003, which lets the base item overshoot once an earn has more
-- than one bonus item). Each item's share is rounded down and the units still missing go, one each, to
-- the items with the largest remainders (ties by item name): so the parts add up to the reversal's
-- claim, no part is negative, no item is ever claimed beyond what the earn gave, and the reversal that
-- claims all that is left takes back every item exactly. Items of zero points are not written.
create or replace function point_entries_itemise_reversal() returns trigger
language plpgsql as $$
declare
    claim bigint := -new.points + new.shortfall;
    earned_at timestamptz;
begin
    select created_at into earned_at from point_entries where id = new.reverses_entry_id;
    if claim = 0 or not exists (select 1 from point_entry_items where entry_id = new.reverses_entry_id) then
        return null;
    end if;
    insert into point_entry_items (entry_id, item, points, member_id, counts_at, promotion_id)
    with left_over as (
        select i.item, i.promotion_id,
               (i.points + coalesce((select sum(r.points) from point_entry_items r
                                       join point_entries e on e.id = r.entry_id
                                      where e.reverses_entry_id = new.reverses_entry_id and e.id <> new.id
                                        and r.item = i.item), 0))::numeric as points
          from point_entry_items i
         where i.entry_id = new.reverses_entry_id
    ), shares as (
        select l.item, l.promotion_id, floor(l.points * claim / t.total) as whole,
               l.points * claim / t.total - floor(l.points * claim / t.total) as fraction
          from left_over l, (select sum(points) as total from left_over) t
         where t.total > 0
    ), ranked as (
        select s.*, row_number() over (order by s.fraction desc, s.item) as place,
               claim - sum(s.whole) over () as missing
          from shares s
    )
    select new.id, item, -(whole + case when place <= missing and fraction > 0 then 1 else 0 end)::bigint,
           new.member_id, earned_at, promotion_id
      from ranked
     where whole + case when place <= missing and fraction > 0 then 1 else 0 end > 0;
    return null;
end
$$;

-- An entry's items as the replies show them: base, tier_bonus and promotions (code and points), in
-- absolute points: what an earn awarded or what a reversal claimed back.
create function loyalty_entry_items(p_entry bigint) returns jsonb
language sql stable as $$
    select case when count(*) = 0 then '{}'::jsonb else jsonb_strip_nulls(jsonb_build_object(
        'base', coalesce(sum(abs(points)) filter (where item = 'base'), 0),
        'tier_bonus', coalesce(sum(abs(points)) filter (where item = 'tier'), 0),
        'promotions', jsonb_agg(jsonb_build_object('code', substr(item, 7), 'points', abs(points)) order by item)
                          filter (where item like 'promo:%'))) end
      from point_entry_items where entry_id = p_entry
$$;

-- A ledger function's result with the items of the entry it wrote (nothing for a refusal). Volatile,
-- so that it sees the items the inner call just wrote.
create function loyalty_with_items(p_result jsonb) returns jsonb
language plpgsql volatile as $$
begin
    if p_result ? 'refused' or not p_result ? 'entry' then
        return p_result;
    end if;
    return p_result || loyalty_entry_items((p_result->>'entry')::bigint);
end
$$;

-- Tiers, with the rules as jsonb: qualification by measure and period, evaluation dates -------------

drop function loyalty_qualify(bigint, int, bigint, text);
drop function loyalty_tier_status(bigint, int);

-- The evaluation date. Rows from before this migration have none and are dated from `since` under the
-- programme's rules when they are evaluated (the rules are configuration, unknown to a migration); a
-- tier set by hand with an end date is evaluated the day after it.
alter table member_tiers add column evaluation_on date;
update member_tiers set evaluation_on = manual_until + 1 where manual_until is not null;

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

-- The member's tier (the lowest one without a record), the next one up and what is still needed, with
-- qualifying by the programme's measure and period.
create function loyalty_tier_status(p_member bigint, p_rules jsonb)
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

-- The evaluation date of a tier reached or confirmed at `p_at`: window_months later (rolling), or
-- 1 January after p_at's calendar year (calendar-year), in the programme's time zone.
create function loyalty_evaluation_date(p_rules jsonb, p_at timestamptz) returns date
language sql stable as $$
    select case when p_rules->>'period' = 'calendar-year'
                then (date_trunc('year', p_at at time zone (p_rules->>'time_zone')) + interval '1 year')::date
                else ((p_at at time zone (p_rules->>'time_zone'))::date
                      + make_interval(months => (p_rules->>'window_months')::int))::date end
$$;

-- Moves a member up to the highest tier they qualify for, if that is above their tier, dates the new
-- tier's evaluation, and returns their tier status afterwards.
create function loyalty_qualify(p_member bigint, p_rules jsonb, p_entry bigint, p_actor text)
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

-- EARN ------------------------------------------------------------------------------------------

-- The promotions a purchase earns, with their points: active, on the programme's local date, at the
-- store, above the minimum spend, meeting their condition, and under their limit for the member.
-- Called with the member's account locked, so that concurrent earns of one member count limits right.
create function loyalty_promotion_awards(
    p_member bigint, p_purchase bigint, p_store text, p_base bigint, p_amount_minor bigint, p_currency text,
    p_rules jsonb
) returns table (promotion_id bigint, code text, points bigint)
language sql stable as $$
    with today as (select (now() at time zone (p_rules->>'time_zone'))::date as day)
    select p.id, p.code,
           case when p.multiplier_percent is not null then loyalty_percent_bonus(p_base, p.multiplier_percent)
                else p.bonus_points end
      from promotions p, today, members m
     where m.id = p_member
       and p.status = 'active'
       and today.day between p.starts_on and p.ends_on
       and (p.stores is null or p_store = any (p.stores))
       and (p.min_spend_minor is null or (p.min_spend_currency = p_currency and p_amount_minor >= p.min_spend_minor))
       and case p.condition
               when 'any' then true
               when 'first-purchase' then not exists (
                   select 1 from purchases q where q.member_id = p_member and q.kind = 'sale' and q.id <> p_purchase)
               when 'birthday-month' then extract(month from m.birth_date) = extract(month from today.day)
           end
       and (p.limit_per_member is null or p.limit_per_member > (
               select count(*) from point_entry_items i
                where i.promotion_id = p.id and i.member_id = p_member and i.points > 0))
     order by p.code
$$;

drop function loyalty_earn(bigint, text, text, text, text, text, bigint, bigint, text, text, text, int);

-- EARN (till) and `points earn` (administrator). For a purchase: base points (computed by the caller
-- from the programme's base rate), the tier bonus at the member's tier before the purchase, and each
-- promotion's bonus; the points are pending for the return window; the purchase may move the member
-- up a tier. For an explicit number of points: spendable at once, no bonuses.
create function loyalty_earn(
    p_terminal bigint, p_request text, p_fingerprint text, p_admin text,
    p_kind text, p_value text, p_points bigint,
    p_amount_minor bigint, p_currency text, p_receipt text, p_reason text,
    p_rules jsonb
) returns jsonb
language plpgsql as $$
declare
    result jsonb;
    refused_state text;
    refused_message text;
    refused_constraint text;
    store text;
    member members%rowtype;
    purchase_id bigint;
    entry_id bigint;
    balance bigint;
    tier record;
    tier_bonus bigint := 0;
    awards jsonb := '[]';
    promotion_points bigint := 0;
    dates record;
begin
    if p_terminal is not null then
        result := loyalty_replay(p_terminal, p_request, 'EARN', p_fingerprint);
        if result is not null then
            return result;
        end if;
        store := loyalty_terminal_store(p_terminal);
    end if;
    begin
        if p_points is null or p_points < 0 then
            raise exception 'points must not be negative' using errcode = 'LY400';
        end if;

        select * into member from members where id = loyalty_member_id(p_kind, p_value);
        if member.status <> 'active' then
            raise exception 'member is %', member.status using errcode = 'LY410';
        end if;
        -- One member's earns take turns: the tier and promotion limits they read must be current.
        perform 1 from point_accounts a where a.member_id = member.id for update;

        if p_amount_minor is not null then
            insert into purchases (member_id, store_code, terminal_id, receipt, amount_minor, currency, source)
            values (member.id, store, p_terminal, p_receipt, p_amount_minor, p_currency,
                    case when p_terminal is null then 'admin' else 'till' end)
            returning id into purchase_id;
            select * into tier from loyalty_tier_status(member.id, p_rules);
            tier_bonus := coalesce(loyalty_percent_bonus(p_points, tier.multiplier_percent), 0);
            select coalesce(jsonb_agg(jsonb_build_object('id', a.promotion_id, 'code', a.code, 'points', a.points)
                                      order by a.code), '[]'),
                   coalesce(sum(a.points), 0)
              into awards, promotion_points
              from loyalty_promotion_awards(member.id, purchase_id, store, p_points, p_amount_minor, p_currency,
                                            p_rules) a
             where a.points > 0;
        end if;

        select * into dates from loyalty_lot_dates(p_rules, purchase_id is not null);
        insert into point_entries (member_id, kind, points, terminal_id, request_id, admin_actor, receipt, reason,
                                   purchase_id, available_at, expires_at)
        values (member.id, 'earn', p_points + tier_bonus + promotion_points, p_terminal, p_request, p_admin,
                p_receipt, p_reason, purchase_id,
                -- An earn of no points opens no lot, so it has no dates.
                case when p_points + tier_bonus + promotion_points > 0 then dates.available_at end,
                case when p_points + tier_bonus + promotion_points > 0 then dates.expires_at end)
        returning id, balance_after into entry_id, balance;

        if purchase_id is not null then
            insert into point_entry_items (entry_id, item, points, member_id) values (entry_id, 'base', p_points, member.id);
            if tier_bonus > 0 then
                insert into point_entry_items (entry_id, item, points, member_id)
                values (entry_id, 'tier', tier_bonus, member.id);
            end if;
            insert into point_entry_items (entry_id, item, points, member_id, promotion_id)
            select entry_id, 'promo:' || (a->>'code'), (a->>'points')::bigint, member.id, (a->>'id')::bigint
              from jsonb_array_elements(awards) a;
            select * into tier from loyalty_qualify(member.id, p_rules, entry_id, coalesce(p_admin, 'till'));
        else
            select * into tier from loyalty_tier_status(member.id, p_rules);
        end if;

        result := jsonb_build_object('member', member.number, 'earned', p_points + tier_bonus + promotion_points,
                                     'points', balance, 'pending', loyalty_pending(member.id), 'entry', entry_id)
                  || jsonb_strip_nulls(jsonb_build_object('available_on',
                         (dates.available_at at time zone (p_rules->>'time_zone'))::date
                         + case when p_points + tier_bonus + promotion_points > 0 then 0 end));
        if purchase_id is not null then
            result := result || loyalty_entry_items(entry_id);
        end if;
        if tier.tier_id is not null then
            result := result || jsonb_strip_nulls(jsonb_build_object(
                'tier', tier.tier_code, 'next_tier', tier.next_code,
                'to_next', case when tier.next_code is not null then tier.to_next end));
        end if;
        if p_admin is not null then
            insert into audit_log (actor, action, subject, details)
            values (p_admin, 'points.earn', member.number,
                    jsonb_strip_nulls(jsonb_build_object('points', p_points + tier_bonus + promotion_points,
                        'entry', entry_id, 'amount_minor', p_amount_minor, 'currency', p_currency,
                        'receipt', p_receipt, 'reason', p_reason)));
        end if;
    exception when sqlstate 'LY400' or sqlstate 'LY402' or sqlstate 'LY404' or sqlstate 'LY410'
                or sqlstate 'LY422' or unique_violation then
        get stacked diagnostics refused_state = returned_sqlstate, refused_message = message_text,
                                refused_constraint = constraint_name;
        result := loyalty_refusal(refused_state, refused_message, refused_constraint);
        if result is null then
            raise;
        end if;
    end;
    if p_terminal is not null then
        perform loyalty_record_request(p_terminal, p_request, 'EARN', p_fingerprint, result);
    end if;
    return result;
end
$$;

-- REDEEM and negative adjustments ---------------------------------------------------------------

-- As in 0002, except that a redemption may spend only spendable points (not pending, not expired);
-- an administrator's negative adjustment may take any points of the balance.
create or replace function loyalty_spend(
    p_terminal bigint, p_request text, p_fingerprint text, p_admin text,
    p_kind text, p_value text, p_points bigint, p_receipt text, p_reason text, p_entry_kind text
) returns jsonb
language plpgsql as $$
declare
    result jsonb;
    refused_state text;
    refused_message text;
    refused_constraint text;
    member members%rowtype;
    balance bigint;
    available bigint;
    entry_id bigint;
begin
    if p_terminal is not null then
        result := loyalty_replay(p_terminal, p_request, 'REDEEM', p_fingerprint);
        if result is not null then
            return result;
        end if;
    end if;
    begin
        if p_points is null or p_points <= 0 then
            raise exception 'points must be positive' using errcode = 'LY400';
        end if;
        if p_entry_kind not in ('redeem', 'adjust') then
            raise exception 'cannot spend as %', p_entry_kind using errcode = 'LY400';
        end if;

        select * into member from members where id = loyalty_member_id(p_kind, p_value);
        if p_entry_kind = 'redeem' and member.status <> 'active' then
            raise exception 'member is %', member.status using errcode = 'LY410';
        end if;
        -- Lock the account first: concurrent spends of one member queue here, not in the ledger trigger.
        select a.balance into balance from point_accounts a where a.member_id = member.id for update;
        available := case when p_entry_kind = 'redeem' then loyalty_spendable(member.id) else balance end;
        if available < p_points then
            if available < balance then
                raise exception '% of the balance of % points can be spent now, % requested', available, balance, p_points
                    using errcode = 'LY402';
            end if;
            raise exception 'balance is % points, % requested', balance, p_points using errcode = 'LY402';
        end if;

        insert into point_entries (member_id, kind, points, terminal_id, request_id, admin_actor, receipt, reason)
        values (member.id, p_entry_kind, -p_points, p_terminal, p_request, p_admin, p_receipt, p_reason)
        returning id, balance_after into entry_id, balance;

        result := jsonb_build_object('member', member.number, 'redeemed', p_points, 'points', balance,
                                     'pending', loyalty_pending(member.id), 'entry', entry_id);
        if p_admin is not null then
            insert into audit_log (actor, action, subject, details)
            values (p_admin, 'points.' || p_entry_kind, member.number,
                    jsonb_strip_nulls(jsonb_build_object('points', -p_points, 'entry', entry_id, 'receipt', p_receipt,
                        'reason', p_reason)));
        end if;
    exception when sqlstate 'LY400' or sqlstate 'LY402' or sqlstate 'LY404' or sqlstate 'LY410'
                or sqlstate 'LY422' or unique_violation then
        get stacked diagnostics refused_state = returned_sqlstate, refused_message = message_text,
                                refused_constraint = constraint_name;
        result := loyalty_refusal(refused_state, refused_message, refused_constraint);
        if result is null then
            raise;
        end if;
    end;
    if p_terminal is not null then
        perform loyalty_record_request(p_terminal, p_request, 'REDEEM', p_fingerprint, result);
    end if;
    return result;
end
$$;

drop function loyalty_adjust_up(text, text, text, bigint, text);

-- `points adjust` with a positive number: spendable at once, expiring like any earn under a lifetime policy.
create function loyalty_adjust_up(p_admin text, p_kind text, p_value text, p_points bigint, p_reason text,
                                  p_rules jsonb)
returns jsonb
language plpgsql as $$
declare
    member members%rowtype;
    entry_id bigint;
    balance bigint;
begin
    if p_points is null or p_points <= 0 then
        raise exception 'points must be positive' using errcode = 'LY400';
    end if;
    select * into member from members where id = loyalty_member_id(p_kind, p_value);
    insert into point_entries (member_id, kind, points, admin_actor, reason, expires_at)
    values (member.id, 'adjust', p_points, p_admin, p_reason, (select expires_at from loyalty_lot_dates(p_rules, false)))
    returning id, balance_after into entry_id, balance;
    insert into audit_log (actor, action, subject, details)
    values (p_admin, 'points.adjust', member.number,
            jsonb_build_object('points', p_points, 'entry', entry_id, 'reason', p_reason));
    return jsonb_build_object('member', member.number, 'adjusted', p_points, 'points', balance,
                              'pending', loyalty_pending(member.id), 'entry', entry_id);
end
$$;

-- MEMBER and BALANCE ----------------------------------------------------------------------------

drop function loyalty_member_card(bigint, text, text, int);

create function loyalty_member_card(p_terminal bigint, p_kind text, p_value text, p_rules jsonb)
returns table (number text, first_name text, last_name text, status text, points bigint, pending bigint,
               spendable bigint, since date, tier text, next_tier text, to_next bigint)
language plpgsql stable as $$
begin
    if p_terminal is not null then
        perform loyalty_terminal_store(p_terminal);
    end if;
    return query
        select m.number, m.first_name, m.last_name, m.status, a.balance, loyalty_pending(m.id),
               loyalty_spendable(m.id), (m.created_at at time zone 'UTC')::date,
               t.tier_code, t.next_code, case when t.next_code is not null then t.to_next end
          from members m
          join point_accounts a on a.member_id = m.id
          left join lateral loyalty_tier_status(m.id, p_rules) t on true
         where m.id = loyalty_member_id(p_kind, p_value);
end
$$;

-- Expiry ----------------------------------------------------------------------------------------

-- Members with points to expire now: lots past their date, and under the inactivity policy members
-- with a balance who have neither earned nor spent for the policy's months.
create function loyalty_expiry_candidates(p_rules jsonb, p_after bigint, p_limit int)
returns table (member_id bigint)
language sql stable as $$
    select id from (
        select l.member_id as id from point_lots l
         where l.remaining > 0 and l.expires_at <= now() and l.member_id > p_after
        union
        select a.member_id from point_accounts a
         where p_rules->>'expiry' = 'inactivity' and a.balance > 0 and a.member_id > p_after
           and a.last_activity_at <= now() - make_interval(months => (p_rules->>'expiry_months')::int)
    ) candidates
    order by id
    limit p_limit
$$;

-- Expires what is due of one member's points, as one 'expire' entry, and returns the points expired.
-- Idempotent and safe to run concurrently: it locks the account and takes only what is still due, and
-- the lots make sure no point is taken twice. Lots dated under an earlier lifetime policy still expire
-- on their date, whatever the policy is now.
create function loyalty_expire_member(p_member bigint, p_rules jsonb, p_actor text) returns bigint
language plpgsql as $$
declare
    balance bigint;
    last_activity timestamptz;
    due bigint;
    reason text;
begin
    select a.balance, a.last_activity_at into balance, last_activity
      from point_accounts a where a.member_id = p_member for update;
    if p_rules->>'expiry' = 'inactivity'
       and last_activity <= now() - make_interval(months => (p_rules->>'expiry_months')::int) then
        due := balance;
        reason := format('no activity for %s months', p_rules->>'expiry_months');
    else
        select coalesce(sum(remaining), 0) into due from point_lots
         where member_id = p_member and remaining > 0 and expires_at <= now();
        reason := 'points past their expiry date';
    end if;
    if due > 0 then
        insert into point_entries (member_id, kind, points, admin_actor, reason)
        values (p_member, 'expire', -due, p_actor, reason);
    end if;
    return coalesce(due, 0);
end
$$;

-- Members whose points expire within p_within (a marketer's reminder list): how many points and when
-- the first of them go. Closed members are left out.
create function loyalty_points_expiring(p_rules jsonb, p_within interval)
returns table (member_id bigint, points bigint, first_expiry timestamptz)
language sql stable as $$
    select member_id, sum(points)::bigint, min(expires) from (
        select l.member_id, l.remaining as points, l.expires_at as expires from point_lots l
         where l.remaining > 0 and l.expires_at > now() and l.expires_at <= now() + p_within
        union all
        select a.member_id, a.balance - coalesce((select sum(l.remaining) from point_lots l
                                                   where l.member_id = a.member_id and l.remaining > 0
                                                     and l.expires_at <= now() + p_within), 0),
               a.last_activity_at + make_interval(months => (p_rules->>'expiry_months')::int)
          from point_accounts a
         where p_rules->>'expiry' = 'inactivity' and a.balance > 0
           and a.last_activity_at + make_interval(months => (p_rules->>'expiry_months')::int) > now()
           and a.last_activity_at + make_interval(months => (p_rules->>'expiry_months')::int) <= now() + p_within
    ) due
    join members m on m.id = due.member_id and m.status <> 'closed'
    where due.points > 0
    group by member_id
$$;
