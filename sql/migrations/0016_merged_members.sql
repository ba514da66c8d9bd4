-- 0016 Merged members, read through: what a merge leaves on the merged record is counted for the member
-- it was merged into, and a reversal takes its points from that member. Also: `member update` audits
-- the fields it really changed, derived here rather than told by the caller, and a replayed ENROLL does
-- not set its acquisition source again.

-- The member who holds a record now: the record itself, or the member it was merged into, following a
-- chain of merges (at most 16, as loyalty_member_id does).
create function loyalty_surviving_member(p_member bigint) returns bigint
language plpgsql stable strict as $$
declare
    holder bigint := p_member;
    next_id bigint;
begin
    select merged_into into next_id from members where id = holder;
    for hop in 1..16 loop
        exit when next_id is null;
        holder := next_id;
        select merged_into into next_id from members where id = holder;
    end loop;
    if next_id is not null then
        raise exception 'member % is merged more than 16 times over', p_member using errcode = 'LY500';
    end if;
    return holder;
end
$$;

-- The member and every record merged into it, directly or through a chain: the records whose ledger
-- items count for it. PL/pgSQL, so that its plans are cached: EARN asks for every purchase, and a member
-- nobody was merged into (nearly all) costs one index probe.
create function loyalty_merged_family(p_member bigint) returns bigint[]
language plpgsql stable strict parallel safe as $$
begin
    if not exists (select 1 from member_merges where kept_id = p_member) then
        return array[p_member];
    end if;
    return array(
        with recursive family (id) as (
            select p_member
            union all
            select m.merged_id from member_merges m join family f on m.kept_id = f.id
        )
        select id from family);
end
$$;

-- Qualifying points count the earns of the merged records too (spend already does: purchases move).
create or replace function loyalty_qualifying(p_member bigint, p_rules jsonb, p_at timestamptz) returns bigint
language plpgsql stable
-- The plans below are as good for any member and period; without this, PostgreSQL estimates the array of
-- records above the single one it nearly always is and plans the sum again at every EARN.
set plan_cache_mode = force_generic_plan as $$
declare
    zone text := p_rules->>'time_zone';
    calendar boolean := p_rules->>'period' = 'calendar-year';
    starts timestamptz;
    ends timestamptz;
    family bigint[];
    total bigint;
begin
    -- One range condition serves both periods: the calendar year is [starts, ends), which at
    -- timestamptz's microsecond resolution is (starts - 1 µs, ends - 1 µs], the rolling window's shape.
    if calendar then
        starts := (date_trunc('year', p_at at time zone zone) at time zone zone) - interval '1 microsecond';
        ends := ((date_trunc('year', p_at at time zone zone) + interval '1 year') at time zone zone)
                - interval '1 microsecond';
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
           and coalesce(sale.purchased_at, p.purchased_at) > starts
           and coalesce(sale.purchased_at, p.purchased_at) <= ends;
    else
        family := loyalty_merged_family(p_member);
        select coalesce(sum(i.points), 0)::bigint into total
          from point_entry_items i
         where i.member_id = any (family) and i.item = 'base' and i.counts_at > starts and i.counts_at <= ends;
    end if;
    return total;
end
$$;

-- A promotion's limit per member counts the awards of the member's merged records too: a merge does not
-- reopen a once-per-member offer.
create or replace function loyalty_promotion_awards(
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
                where i.promotion_id = p.id and i.member_id = any (loyalty_merged_family(p_member)) and i.points > 0))
       and (not exists (select 1 from campaigns c where c.promotion_id = p.id)
            or exists (select 1 from campaigns c
                         join campaign_members cm on cm.campaign_id = c.id and cm.member_id = p_member
                        where c.promotion_id = p.id and cm.arm = 'contacted'))
     order by p.code
$$;

-- REVERSE of an earn booked on a record merged since: the points come off the kept member, who holds
-- them now, and the return is the kept member's purchase (the sale moved with the merge). The earlier
-- reversals of the earn count wherever they were booked.
create or replace function loyalty_reverse(
    p_terminal bigint, p_request text, p_fingerprint text, p_admin text,
    p_of_request text, p_entry bigint, p_amount_minor bigint, p_currency text, p_points bigint
) returns jsonb
language plpgsql as $$
declare
    result jsonb;
    refused_state text;
    refused_message text;
    refused_constraint text;
    original point_entries%rowtype;
    holder bigint;
    member_number text;
    purchase purchases%rowtype;
    claimed bigint;
    refunded bigint;
    due bigint;
    refund bigint;
    available bigint;
    taken bigint;
    entry_id bigint;
    balance bigint;
    return_id bigint;
begin
    if p_terminal is not null then
        result := loyalty_replay(p_terminal, p_request, 'REVERSE', p_fingerprint);
        if result is not null then
            return result;
        end if;
    end if;
    begin
        if p_amount_minor is not null and p_points is not null then
            raise exception 'give an amount or points, not both' using errcode = 'LY400';
        end if;

        if p_of_request is not null then
            select * into original from point_entries
             where terminal_id = p_terminal and request_id = p_of_request and kind = 'earn'
             order by id limit 1;
        else
            select * into original from point_entries where id = p_entry and kind = 'earn';
        end if;
        if not found then
            raise exception 'no earn with this %', case when p_of_request is not null then 'request id' else 'entry id' end
                using errcode = 'LY404';
        end if;

        -- The points are taken from whoever holds the earn's record now: after a merge, the kept member.
        holder := loyalty_surviving_member(original.member_id);
        -- Serialise with every other ledger write of this member before reading earlier reversals.
        select a.balance into available from point_accounts a where a.member_id = holder for update;
        select number into member_number from members where id = holder;

        select coalesce(sum(-e.points + e.shortfall), 0), coalesce(sum(e.refund_minor), 0)
          into claimed, refunded
          from point_entries e where e.reverses_entry_id = original.id;

        if original.purchase_id is not null then
            select * into purchase from purchases where id = original.purchase_id;
        end if;

        if p_amount_minor is not null then
            if original.purchase_id is null then
                raise exception 'this earn was not for a purchase amount; reverse it by points' using errcode = 'LY400';
            end if;
            if p_amount_minor <= 0 then
                raise exception 'the refunded amount must be positive' using errcode = 'LY400';
            end if;
            if p_currency is distinct from purchase.currency then
                raise exception 'the purchase was in %', purchase.currency using errcode = 'LY400';
            end if;
            if refunded + p_amount_minor > purchase.amount_minor then
                raise exception 'refunds would exceed the purchase amount (% of % minor units already refunded)',
                    refunded, purchase.amount_minor using errcode = 'LY422';
            end if;
            refund := p_amount_minor;
            due := greatest(0, floor(original.points::numeric * (refunded + p_amount_minor)
                                   / greatest(purchase.amount_minor, 1))::bigint - claimed);
            due := least(due, original.points - claimed);
        elsif p_points is not null then
            if p_points <= 0 then
                raise exception 'points must be positive' using errcode = 'LY400';
            end if;
            if p_points > original.points - claimed then
                raise exception 'only % of the % earned points are left to reverse', original.points - claimed, original.points
                    using errcode = 'LY422';
            end if;
            due := p_points;
            refund := null;
        else
            if claimed >= original.points and (purchase.id is null or refunded >= purchase.amount_minor) then
                raise exception 'this earn was already reversed in full' using errcode = 'LY422';
            end if;
            due := original.points - claimed;
            refund := case when purchase.id is not null then purchase.amount_minor - refunded end;
        end if;

        taken := least(due, available);
        -- The refund is a purchase too (a return), so that spend and visit figures net it out.
        if refund > 0 then
            insert into purchases (member_id, store_code, terminal_id, receipt, amount_minor, currency, source,
                                   kind, returns_purchase_id)
            values (holder, case when p_terminal is not null then loyalty_terminal_store(p_terminal) end,
                    p_terminal, original.receipt, refund, purchase.currency,
                    case when p_terminal is null then 'admin' else 'till' end, 'return', purchase.id)
            returning id into return_id;
        end if;
        insert into point_entries (
            member_id, kind, points, terminal_id, request_id, admin_actor, receipt,
            reverses_entry_id, refund_minor, shortfall, purchase_id
        ) values (
            holder, 'reverse', -taken, p_terminal, p_request, p_admin, original.receipt,
            original.id, refund, due - taken, return_id
        )
        returning id, balance_after into entry_id, balance;

        result := jsonb_build_object('member', member_number, 'reversed', taken, 'shortfall', due - taken,
                                     'points', balance, 'entry', entry_id);
        if p_admin is not null then
            insert into audit_log (actor, action, subject, details)
            values (p_admin, 'points.reverse', member_number,
                    jsonb_strip_nulls(jsonb_build_object('of_entry', original.id, 'reversed', taken, 'shortfall', due - taken,
                        'refund_minor', refund, 'entry', entry_id)));
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
        perform loyalty_record_request(p_terminal, p_request, 'REVERSE', p_fingerprint, result);
    end if;
    return result;
end
$$;

-- `member update` audits what changed, compared here between the row before and after (field names
-- only; tags only that they changed; consent as granted or withdrawn). A field given with the value it
-- already had is not named.
drop function loyalty_update_member(text, text, text, jsonb, text[], text[], jsonb);

create function loyalty_update_member(
    p_admin text, p_kind text, p_value text, p_changes jsonb, p_add_tags text[], p_remove_tags text[]
) returns text
language plpgsql as $$
declare
    member members%rowtype;
    after members%rowtype;
    c jsonb := p_changes;
    declared boolean;
begin
    select * into member from members where id = loyalty_member_id(p_kind, p_value) for update;
    if member.erased_at is not null then
        raise exception 'member was erased on %; the record cannot be changed', member.erased_at::date
            using errcode = 'LY450';
    end if;
    if member.status = 'closed' then
        raise exception 'member is closed' using errcode = 'LY410';
    end if;
    declared := loyalty_consent_origin('admin', p_admin);
    update members m set
        first_name = case when c ? 'first_name' then c->>'first_name' else m.first_name end,
        last_name = case when c ? 'last_name' then c->>'last_name' else m.last_name end,
        email = case when c ? 'email' then c->>'email' else m.email end,
        phone = case when c ? 'phone' then c->>'phone' else m.phone end,
        birth_date = case when c ? 'birth_date' then (c->>'birth_date')::date else m.birth_date end,
        address_line1 = case when c ? 'address_line1' then c->>'address_line1' else m.address_line1 end,
        address_line2 = case when c ? 'address_line2' then c->>'address_line2' else m.address_line2 end,
        postal_code = case when c ? 'postal_code' then c->>'postal_code' else m.postal_code end,
        city = case when c ? 'city' then c->>'city' else m.city end,
        country = case when c ? 'country' then c->>'country' else m.country end,
        preferred_store = case when c ? 'preferred_store' then c->>'preferred_store' else m.preferred_store end,
        external_id = case when c ? 'external_id' then c->>'external_id' else m.external_id end,
        source_id = case when c ? 'source' then loyalty_source_id(c->>'source') else m.source_id end,
        email_consent = case when c ? 'email_consent' then (c->>'email_consent')::boolean else m.email_consent end,
        email_consent_at = case when c ? 'email_consent' and (c->>'email_consent')::boolean is distinct from m.email_consent
                                then now() else m.email_consent_at end,
        sms_consent = case when c ? 'sms_consent' then (c->>'sms_consent')::boolean else m.sms_consent end,
        sms_consent_at = case when c ? 'sms_consent' and (c->>'sms_consent')::boolean is distinct from m.sms_consent
                              then now() else m.sms_consent_at end,
        tags = array(select distinct t from unnest(m.tags || coalesce(p_add_tags, '{}')) as t
                      where t <> all(coalesce(p_remove_tags, '{}')) order by t),
        updated_at = now()
     where m.id = member.id
    returning * into after;
    perform loyalty_end_consent_origin(declared);
    insert into audit_log (actor, action, subject, details)
    values (p_admin, 'member.update', member.number, jsonb_build_object('changed', to_jsonb(array_remove(array[
        case when after.first_name is distinct from member.first_name then 'first_name' end,
        case when after.last_name is distinct from member.last_name then 'last_name' end,
        case when after.email is distinct from member.email then 'email' end,
        case when after.phone is distinct from member.phone then 'phone' end,
        case when after.birth_date is distinct from member.birth_date then 'birth_date' end,
        case when (after.address_line1, after.address_line2, after.postal_code, after.city, after.country)
                  is distinct from (member.address_line1, member.address_line2, member.postal_code, member.city,
                                    member.country) then 'address' end,
        case when after.preferred_store is distinct from member.preferred_store then 'preferred_store' end,
        case when after.external_id is distinct from member.external_id then 'external_id' end,
        case when after.source_id is distinct from member.source_id then 'source' end,
        case when after.email_consent <> member.email_consent
             then case when after.email_consent then 'email_consent:granted' else 'email_consent:withdrawn' end end,
        case when after.sms_consent <> member.sms_consent
             then case when after.sms_consent then 'sms_consent:granted' else 'sms_consent:withdrawn' end end,
        case when after.tags is distinct from member.tags then 'tags' end
    ], null))));
    return member.number;
end
$$;

-- ENROLL and `member add` with a source: a replayed ENROLL returns its first outcome and changes nothing,
-- so the source is set only on an enrolment that happened now.
create or replace function loyalty_enroll_from_source(
    p_source text,
    p_terminal bigint, p_request text, p_fingerprint text, p_admin text,
    p_first_name text, p_last_name text, p_email text, p_phone text, p_birth_date date,
    p_email_consent boolean, p_sms_consent boolean,
    p_address_line1 text, p_address_line2 text, p_postal_code text, p_city text, p_country text,
    p_preferred_store text, p_source_channel text, p_source_campaign text, p_external_id text,
    p_tags text[]
) returns jsonb
language plpgsql as $$
declare
    v_source bigint := loyalty_source_id(p_source);
    result jsonb;
begin
    result := loyalty_enroll(p_terminal, p_request, p_fingerprint, p_admin, p_first_name, p_last_name, p_email,
                             p_phone, p_birth_date, p_email_consent, p_sms_consent, p_address_line1, p_address_line2,
                             p_postal_code, p_city, p_country, p_preferred_store, p_source_channel, p_source_campaign,
                             p_external_id, p_tags);
    if v_source is not null and result ? 'member' and not coalesce((result ->> 'replayed')::boolean, false) then
        update members set source_id = v_source where number = result ->> 'member' and source_id is distinct from v_source;
        if found and p_admin is not null then
            insert into audit_log (actor, action, subject, details)
            values (p_admin, 'member.source', result ->> 'member', jsonb_build_object('source', p_source));
        end if;
    end if;
    return result;
end
$$;
