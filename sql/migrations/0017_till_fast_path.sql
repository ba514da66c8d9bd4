-- 0017 The till's fast path. A SQL-language function that PostgreSQL cannot inline (one that reads a
-- table, writes, or returns a row) is planned again at every call, which costs more than running it:
-- measured at 100-300 µs a call, several calls per EARN. The helpers the till requests call are PL/pgSQL
-- here, whose plans are cached per connection; their results are unchanged. EARN also reads the tier
-- multiplier directly instead of the whole tier status (whose qualifying sum it does not need before the
-- purchase), and the qualification after it sums the qualifying points once.

create or replace function loyalty_spendable(p_member bigint) returns bigint
language plpgsql stable as $$
begin
    return (select coalesce(sum(remaining), 0)::bigint from point_lots
             where member_id = p_member and remaining > 0
               and available_at <= now() and (expires_at is null or expires_at > now()));
end
$$;

create or replace function loyalty_pending(p_member bigint) returns bigint
language plpgsql stable as $$
begin
    return (select coalesce(sum(remaining), 0)::bigint from point_lots
             where member_id = p_member and remaining > 0 and available_at > now());
end
$$;

create or replace function loyalty_entry_items(p_entry bigint) returns jsonb
language plpgsql stable as $$
begin
    return (select case when count(*) = 0 then '{}'::jsonb else jsonb_strip_nulls(jsonb_build_object(
                'base', coalesce(sum(abs(points)) filter (where item = 'base'), 0),
                'tier_bonus', coalesce(sum(abs(points)) filter (where item = 'tier'), 0),
                'promotions', jsonb_agg(jsonb_build_object('code', substr(item, 7), 'points', abs(points)) order by item)
                                  filter (where item like 'promo:%'))) end
              from point_entry_items where entry_id = p_entry);
end
$$;

-- An earn's result carries its items already; the others get them here.
create or replace function loyalty_with_items(p_result jsonb) returns jsonb
language plpgsql volatile as $$
begin
    if p_result ? 'refused' or not p_result ? 'entry' or p_result ? 'base' then
        return p_result;
    end if;
    return p_result || loyalty_entry_items((p_result->>'entry')::bigint);
end
$$;

create or replace function loyalty_record_request(
    p_terminal bigint, p_request text, p_verb text, p_fingerprint text, p_result jsonb
) returns void
language plpgsql as $$
begin
    insert into terminal_requests (terminal_id, request_id, verb, fingerprint, result)
    values (p_terminal, p_request, p_verb, sha256(convert_to(p_fingerprint, 'UTF8')), p_result);
end
$$;

create or replace function loyalty_lot_dates(p_rules jsonb, p_purchase boolean, out available_at timestamptz,
                                             out expires_at timestamptz)
language plpgsql stable as $$
begin
    available_at := case when p_purchase and (p_rules->>'pending_days')::int > 0
                         then now() + make_interval(days => (p_rules->>'pending_days')::int) end;
    expires_at := case when p_rules->>'expiry' = 'lifetime'
                       then now() + make_interval(months => (p_rules->>'expiry_months')::int) end;
end
$$;

create or replace function loyalty_member_tier_rank(p_member bigint) returns int
language plpgsql stable as $$
begin
    return coalesce((select t.rank from member_tiers mt join tiers t on t.id = mt.tier_id where mt.member_id = p_member),
                    (select min(rank) from tiers));
end
$$;

create or replace function loyalty_gift_card_reply(p_card bigint, p_today date) returns jsonb
language plpgsql stable as $$
begin
    return (select jsonb_strip_nulls(jsonb_build_object(
                'card', c.code_last4, 'state', loyalty_gift_card_state(c, p_today), 'currency', c.currency,
                'balance', c.balance, 'held', c.held, 'available', c.balance - c.held, 'expires', c.expires_on,
                'member', (select m.number from members m where m.id = c.member_id)))
              from gift_cards c where c.id = p_card);
end
$$;

-- The member's tier (the recorded one, else the lowest), the next one up and what is still needed, with
-- qualifying by the programme's measure and period. No rows when the programme has no tiers.
create or replace function loyalty_tier_status(p_member bigint, p_rules jsonb)
returns table (tier_id bigint, tier_code text, tier_rank int, multiplier_percent int, qualifying bigint,
               next_code text, to_next bigint)
language plpgsql stable as $$
#variable_conflict use_column
declare
    held tiers%rowtype;
    upper tiers%rowtype;
    points bigint;
begin
    select t.* into held from member_tiers mt join tiers t on t.id = mt.tier_id where mt.member_id = p_member;
    if not found then
        select t.* into held from tiers t order by t.rank limit 1;
        if not found then
            return;
        end if;
    end if;
    points := loyalty_qualifying(p_member, p_rules, now());
    select t.* into upper from tiers t where t.rank > held.rank order by t.rank limit 1;
    return query select held.id, held.code, held.rank, held.multiplier_percent, points, upper.code,
                        greatest(upper.threshold - points, 0);
end
$$;

-- Moves a member up to the highest tier they qualify for, if that is above their tier, dates the new
-- tier's evaluation, and returns their tier status afterwards (the qualifying points summed once).
create or replace function loyalty_qualify(p_member bigint, p_rules jsonb, p_entry bigint, p_actor text)
returns table (tier_id bigint, tier_code text, tier_rank int, multiplier_percent int, qualifying bigint,
               next_code text, to_next bigint)
language plpgsql as $$
#variable_conflict use_column
declare
    status record;
    target tiers%rowtype;
    upper tiers%rowtype;
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
    select t.* into upper from tiers t where t.rank > target.rank order by t.rank limit 1;
    return query select target.id, target.code, target.rank, target.multiplier_percent, status.qualifying,
                        upper.code, greatest(upper.threshold - status.qualifying, 0);
end
$$;

-- EARN as in 0004, with the tier multiplier read directly (see the header), the items written in one
-- statement and the reply's items built from what was written rather than read back.
create or replace function loyalty_earn(
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
    multiplier int;
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
            -- The tier bonus is the member's tier before the purchase: the recorded tier, else the lowest.
            select t.multiplier_percent into multiplier from tiers t
             where t.id = coalesce((select mt.tier_id from member_tiers mt where mt.member_id = member.id),
                                   (select l.id from tiers l order by l.rank limit 1));
            tier_bonus := coalesce(loyalty_percent_bonus(p_points, multiplier), 0);
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
            -- The items in one statement: the base, the tier bonus, each promotion.
            insert into point_entry_items (entry_id, item, points, member_id, promotion_id)
            select entry_id, 'base', p_points, member.id, null::bigint
            union all
            select entry_id, 'tier', tier_bonus, member.id, null::bigint where tier_bonus > 0
            union all
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
            -- What loyalty_entry_items would read back, from what was just written.
            result := result || jsonb_build_object('base', p_points, 'tier_bonus', tier_bonus);
            if promotion_points > 0 then
                result := result || jsonb_build_object('promotions',
                    (select jsonb_agg(jsonb_build_object('code', a->>'code', 'points', (a->>'points')::bigint)
                                      order by a->>'code')
                       from jsonb_array_elements(awards) a));
            end if;
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
