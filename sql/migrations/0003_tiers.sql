-- 0003 Tiers: tiers as data, each member's tier and its history, and the itemised earn (base points
-- and the tier bonus) that tier qualification counts.
--
-- Rules (docs/programme.md):
--   * Qualifying points are the base points of purchases (not bonuses) earned within the programme's
--     rolling window, less the base points taken back by reversals of them.
--   * A member moves up as soon as an earn brings their qualifying points to a higher tier's threshold.
--     Nothing here moves anyone down: downgrades belong to the evaluation job.
--   * The tier bonus is floor(base × (multiplier − 100%) ÷ 100%), for purchases only.
--   * A member without a tier record is in the lowest-ranked tier; with no tiers defined, in none.

create table tiers (
    id                  bigint generated always as identity primary key,
    code                text not null unique check (code ~ '^[a-z0-9][a-z0-9_-]{0,31}$'),
    name                text not null check (length(name) between 1 and 100),
    rank                int not null check (rank >= 0),
    -- Qualifying points needed to reach the tier. The lowest tier is where every member starts.
    threshold           bigint not null check (threshold >= 0),
    -- Earn multiplier in percent: 100 is the base rate, 150 earns half as much again.
    multiplier_percent  int not null default 100 check (multiplier_percent between 100 and 1000),
    benefits            text not null default '' check (length(benefits) <= 2000),
    created_at          timestamptz not null default now(),
    updated_at          timestamptz not null default now(),
    -- Deferrable, so that a seed can reorder tiers in one transaction (it defers the check to commit);
    -- immediate otherwise, so that a single statement's violation is reported with the statement.
    constraint tiers_rank_key unique (rank) deferrable initially immediate
);

-- The ladder must make sense whatever is changed: thresholds rise strictly with rank, and the lowest
-- tier starts at 0 (members without a tier record are in it, so it must need nothing). Checked after
-- each statement, or at commit where a seed defers it to rearrange several tiers at once.
create function tiers_check_ladder() returns trigger
language plpgsql as $$
begin
    if exists (select 1 from tiers a join tiers b on a.rank < b.rank and a.threshold >= b.threshold) then
        raise exception 'tier thresholds must rise with rank' using errcode = 'LY400';
    end if;
    if exists (select 1 from tiers where threshold <> 0 and rank = (select min(rank) from tiers)) then
        raise exception 'the lowest tier must have threshold 0: every member starts in it' using errcode = 'LY400';
    end if;
    return null;
end
$$;

create constraint trigger tiers_check_ladder after insert or update or delete on tiers
    deferrable initially immediate for each row execute function tiers_check_ladder();

-- A member's current tier, once they have left the lowest one or an administrator set it.
create table member_tiers (
    member_id     bigint primary key references members (id),
    tier_id       bigint not null references tiers (id),
    since         timestamptz not null default now(),
    -- Set by hand: the tier holds until this date against downgrades (the evaluation job); qualifying
    -- for a higher tier still moves the member up, and ends the manual period.
    manual_until  date,
    manual_reason text check (length(manual_reason) <= 500)
);

-- Every change of a member's tier: from, to, why, when, and who or what caused it.
create table tier_changes (
    id           bigint generated always as identity primary key,
    member_id    bigint not null references members (id),
    from_tier_id bigint references tiers (id),
    to_tier_id   bigint not null references tiers (id),
    reason       text not null check (reason in ('qualified', 'manual', 'downgrade')),
    note         text check (length(note) <= 500),
    actor        text,
    entry_id     bigint references point_entries (id),
    at           timestamptz not null default now()
);
create index tier_changes_member on tier_changes (member_id, id desc);

create trigger tier_changes_append_only before update or delete on tier_changes
    for each row execute function refuse_change();
create trigger tier_changes_no_truncate before truncate on tier_changes
    for each statement execute function refuse_change();

-- What an earn is made of, and what a reversal takes back of each part. The items of an entry add
-- up to the points it claims (for a reversal: taken plus shortfall).
create table point_entry_items (
    entry_id    bigint not null references point_entries (id),
    item        text not null check (item in ('base', 'tier')),
    points      bigint not null,
    member_id   bigint not null references members (id),
    -- When the item counts for qualification: the earn's time, for a reversal too, so that a refund
    -- takes the points out of the window they were counted in.
    counts_at   timestamptz not null default now(),
    primary key (entry_id, item)
);
-- Qualifying points: a member's base items in the window.
create index point_entry_items_qualifying on point_entry_items (member_id, counts_at) where item = 'base';

create trigger point_entry_items_append_only before update or delete on point_entry_items
    for each row execute function refuse_change();
create trigger point_entry_items_no_truncate before truncate on point_entry_items
    for each statement execute function refuse_change();

-- A reversal takes back each item of its earn in proportion, cumulatively like the points themselves:
-- after reversals claiming C of an earn of E points, floor(item × C ÷ E) of each item is claimed, and
-- the base item takes the rounding remainder so that the items add up to each reversal's claim. A
-- reversal in full therefore claims back every item exactly.
create function point_entries_itemise_reversal() returns trigger
language plpgsql as $$
declare
    earned bigint;
    claimed_after bigint;
    claimed_before bigint;
    claim bigint := -new.points + new.shortfall;
    earned_at timestamptz;
    tier_item bigint;
    tier_part bigint := 0;
begin
    select points, created_at into earned, earned_at from point_entries where id = new.reverses_entry_id;
    if earned is null or earned = 0 or claim = 0
       or not exists (select 1 from point_entry_items where entry_id = new.reverses_entry_id) then
        return null;
    end if;
    select coalesce(sum(-e.points + e.shortfall), 0) into claimed_after
      from point_entries e where e.reverses_entry_id = new.reverses_entry_id;
    claimed_before := claimed_after - claim;
    select points into tier_item from point_entry_items where entry_id = new.reverses_entry_id and item = 'tier';
    if tier_item is not null then
        tier_part := floor(tier_item::numeric * claimed_after / earned)::bigint
                   - floor(tier_item::numeric * claimed_before / earned)::bigint;
        insert into point_entry_items (entry_id, item, points, member_id, counts_at)
        values (new.id, 'tier', -tier_part, new.member_id, earned_at);
    end if;
    insert into point_entry_items (entry_id, item, points, member_id, counts_at)
    values (new.id, 'base', -(claim - tier_part), new.member_id, earned_at);
    return null;
end
$$;

create trigger point_entries_itemise_reversal after insert on point_entries
    for each row when (new.kind = 'reverse') execute function point_entries_itemise_reversal();

-- The member's tier (the lowest one without a record), the next one up and the points still needed.
create function loyalty_tier_status(p_member bigint, p_window_months int)
returns table (tier_id bigint, tier_code text, tier_rank int, multiplier_percent int, qualifying bigint,
               next_code text, to_next bigint)
language sql stable as $$
    with current_tier as (
        select t.* from tiers t
         where t.id = coalesce((select mt.tier_id from member_tiers mt where mt.member_id = p_member),
                               (select lowest.id from tiers lowest order by lowest.rank limit 1))
    ), qualifying as (
        select coalesce(sum(i.points), 0)::bigint as points from point_entry_items i
         where i.member_id = p_member and i.item = 'base'
           and i.counts_at > now() - make_interval(months => p_window_months)
    ), next_tier as (
        select t.* from tiers t, current_tier c where t.rank > c.rank order by t.rank limit 1
    )
    select c.id, c.code, c.rank, c.multiplier_percent, q.points, n.code, greatest(n.threshold - q.points, 0)
      from current_tier c cross join qualifying q left join next_tier n on true
$$;

-- Moves a member up to the highest tier their qualifying points reach, if that is above their tier,
-- and returns their tier status afterwards (so that the earn need not count the window again).
create function loyalty_qualify(p_member bigint, p_window_months int, p_entry bigint, p_actor text)
returns table (tier_id bigint, tier_code text, tier_rank int, multiplier_percent int, qualifying bigint,
               next_code text, to_next bigint)
language plpgsql as $$
#variable_conflict use_column
declare
    status record;
    target tiers%rowtype;
begin
    select * into status from loyalty_tier_status(p_member, p_window_months);
    if status.tier_id is not null then
        select * into target from tiers t where t.threshold <= status.qualifying order by t.rank desc limit 1;
    end if;
    if target.id is null or target.rank <= status.tier_rank then
        return query select status.tier_id, status.tier_code, status.tier_rank, status.multiplier_percent,
                            status.qualifying, status.next_code, status.to_next
                      where status.tier_id is not null;
        return;
    end if;
    insert into member_tiers (member_id, tier_id, since) values (p_member, target.id, now())
    on conflict (member_id) do update set tier_id = excluded.tier_id, since = excluded.since,
                                          manual_until = null, manual_reason = null;
    insert into tier_changes (member_id, from_tier_id, to_tier_id, reason, actor, entry_id)
    values (p_member, status.tier_id, target.id, 'qualified', p_actor, p_entry);
    return query select * from loyalty_tier_status(p_member, p_window_months);
end
$$;

-- EARN, now itemised: base points (computed by the caller from the programme's base rate), the tier
-- bonus for purchases, and the tier upgrade the earn may cause, all in the one transaction.
drop function loyalty_earn(bigint, text, text, text, text, text, bigint, bigint, text, text, text);

create function loyalty_earn(
    p_terminal bigint, p_request text, p_fingerprint text, p_admin text,
    p_kind text, p_value text, p_points bigint,
    p_amount_minor bigint, p_currency text, p_receipt text, p_reason text,
    p_window_months int
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
    bonus bigint := 0;
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

        if p_amount_minor is not null then
            insert into purchases (member_id, store_code, terminal_id, receipt, amount_minor, currency, source)
            values (member.id, store, p_terminal, p_receipt, p_amount_minor, p_currency,
                    case when p_terminal is null then 'admin' else 'till' end)
            returning id into purchase_id;
            select * into tier from loyalty_tier_status(member.id, p_window_months);
            bonus := coalesce(p_points * (tier.multiplier_percent - 100) / 100, 0);
        end if;

        insert into point_entries (member_id, kind, points, terminal_id, request_id, admin_actor, receipt, reason, purchase_id)
        values (member.id, 'earn', p_points + bonus, p_terminal, p_request, p_admin, p_receipt, p_reason, purchase_id)
        returning id, balance_after into entry_id, balance;

        if purchase_id is not null then
            insert into point_entry_items (entry_id, item, points, member_id) values (entry_id, 'base', p_points, member.id);
            if bonus > 0 then
                insert into point_entry_items (entry_id, item, points, member_id) values (entry_id, 'tier', bonus, member.id);
            end if;
            select * into tier from loyalty_qualify(member.id, p_window_months, entry_id, coalesce(p_admin, 'till'));
        else
            select * into tier from loyalty_tier_status(member.id, p_window_months);
        end if;

        result := jsonb_build_object('member', member.number, 'earned', p_points + bonus, 'points', balance,
                                     'entry', entry_id);
        if purchase_id is not null then
            result := result || jsonb_build_object('base', p_points, 'tier_bonus', bonus);
        end if;
        if tier.tier_id is not null then
            result := result || jsonb_strip_nulls(jsonb_build_object(
                'tier', tier.tier_code, 'next_tier', tier.next_code,
                'to_next', case when tier.next_code is not null then tier.to_next end));
        end if;
        if p_admin is not null then
            insert into audit_log (actor, action, subject, details)
            values (p_admin, 'points.earn', member.number,
                    jsonb_strip_nulls(jsonb_build_object('points', p_points + bonus, 'entry', entry_id,
                        'amount_minor', p_amount_minor, 'currency', p_currency, 'receipt', p_receipt, 'reason', p_reason)));
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

-- MEMBER and BALANCE at the till, with the member's tier and the distance to the next one.
drop function loyalty_member_card(bigint, text, text);

create function loyalty_member_card(p_terminal bigint, p_kind text, p_value text, p_window_months int)
returns table (number text, first_name text, last_name text, status text, points bigint, since date,
               tier text, next_tier text, to_next bigint)
language plpgsql stable as $$
begin
    if p_terminal is not null then
        perform loyalty_terminal_store(p_terminal);
    end if;
    return query
        select m.number, m.first_name, m.last_name, m.status, a.balance, (m.created_at at time zone 'UTC')::date,
               t.tier_code, t.next_code, case when t.next_code is not null then t.to_next end
          from members m
          join point_accounts a on a.member_id = m.id
          left join lateral loyalty_tier_status(m.id, p_window_months) t on true
         where m.id = loyalty_member_id(p_kind, p_value);
end
$$;

-- `tier set`: an administrator puts a member in a tier by hand, with a reason and an end date.
create function loyalty_set_tier(p_admin text, p_kind text, p_value text, p_tier text, p_reason text, p_until date)
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
    insert into member_tiers (member_id, tier_id, since, manual_until, manual_reason)
    values (member.id, target.id, now(), p_until, p_reason)
    on conflict (member_id) do update set tier_id = excluded.tier_id, since = excluded.since,
                                          manual_until = excluded.manual_until, manual_reason = excluded.manual_reason;
    insert into tier_changes (member_id, from_tier_id, to_tier_id, reason, note, actor)
    values (member.id, previous, target.id, 'manual', p_reason, p_admin);
    insert into audit_log (actor, action, subject, details)
    values (p_admin, 'tier.set', member.number,
            jsonb_strip_nulls(jsonb_build_object('tier', target.code, 'reason', p_reason, 'until', p_until)));
    return jsonb_build_object('member', member.number, 'tier', target.code);
end
$$;
