-- 0002 Ledger functions: each till request is one call to one of these functions, so that it costs
-- one round trip to PostgreSQL and runs as one transaction: the idempotency check, the member
-- lookup, the purchase, the ledger entry, the cached balance and the idempotency record together.
--
-- Origin: a terminal request passes p_terminal and p_request (and its fingerprint); an administrator
-- passes p_admin instead, and the function writes the audit record in the same transaction.
--
-- Every function returns jsonb: the stored result that a retry with the same request id gets back.

-- The outcome stored for an earlier request with this id, or null. A different request under the
-- same id is refused, and so is every request of a revoked terminal, retries included.
--
-- Duplicates of one request can arrive at once (a till retrying on a new connection while its first
-- attempt still runs). The transaction-scoped advisory lock on (terminal, request id) makes them take
-- turns, so that a duplicate looks for the stored outcome only after the first attempt committed or
-- rolled back; without it, a duplicate that started early would redo the work and could fail where
-- the original succeeded (a redemption the balance covers once). Distinct requests rarely share a lock.
create function loyalty_replay(p_terminal bigint, p_request text, p_verb text, p_fingerprint text)
returns jsonb
language plpgsql as $$
declare
    stored terminal_requests%rowtype;
begin
    perform loyalty_terminal_store(p_terminal);
    perform pg_advisory_xact_lock((p_terminal % 2147483647)::int, hashtext(p_request));
    select * into stored from terminal_requests
     where terminal_id = p_terminal and request_id = p_request;
    if not found then
        return null;
    end if;
    if stored.verb <> p_verb or stored.fingerprint <> sha256(convert_to(p_fingerprint, 'UTF8')) then
        raise exception 'request id % was already used for a different request', p_request
            using errcode = 'LY428';
    end if;
    return stored.result || '{"replayed": true}';
end
$$;

-- The store of an active terminal; refuses revoked terminals, also on connections opened before.
create function loyalty_terminal_store(p_terminal bigint) returns text
language plpgsql stable as $$
declare
    store text;
begin
    select store_code into store from terminals where id = p_terminal and status = 'active';
    if not found then
        raise exception 'terminal is not active' using errcode = 'LY401';
    end if;
    return store;
end
$$;

-- Finds a member by card number, phone or email. Phone and email match open members only:
-- a closed member's contact details may belong to someone else now.
create function loyalty_member_id(p_kind text, p_value text) returns bigint
language plpgsql stable as $$
declare
    found_id bigint;
begin
    if p_kind = 'number' then
        select id into found_id from members where number = p_value;
    elsif p_kind = 'phone' then
        select id into found_id from members where phone = p_value and status <> 'closed';
    elsif p_kind = 'email' then
        select id into found_id from members where email = p_value and status <> 'closed';
    else
        raise exception 'unknown member reference %', p_kind using errcode = 'LY400';
    end if;
    if found_id is null then
        raise exception 'no member with this %', case p_kind when 'number' then 'member number' else p_kind end
            using errcode = 'LY404';
    end if;
    return found_id;
end
$$;

create function loyalty_record_request(
    p_terminal bigint, p_request text, p_verb text, p_fingerprint text, p_result jsonb
) returns void
language sql as $$
    insert into terminal_requests (terminal_id, request_id, verb, fingerprint, result)
    values (p_terminal, p_request, p_verb, sha256(convert_to(p_fingerprint, 'UTF8')), p_result)
$$;

-- A business refusal as a stored outcome. Refusals that follow from the request and the data
-- (unknown member, not enough points, inactive member, bad argument, reversal limit, duplicate
-- contact details) are recorded like successes, so that a retry with the same request id gets the
-- same refusal even if the data has changed since: a refused REDEEM replayed after a top-up stays
-- refused. Failures that say nothing about the request (database unavailable, internal errors,
-- revoked terminal, a request id reused for another request) are raised and not recorded.
--
-- Returns null for a failure caught by the same handler that is not a refusal: a unique violation
-- other than a member's contact details is a fault, and the caller re-raises it.
create function loyalty_refusal(p_sqlstate text, p_message text, p_constraint text) returns jsonb
language sql immutable as $$
    select case
        when p_sqlstate = '23505' and coalesce(p_constraint, '') not in
             ('members_email_open', 'members_phone_open', 'members_external_id_key') then null
        else jsonb_build_object('refused', jsonb_strip_nulls(jsonb_build_object(
            'sqlstate', p_sqlstate, 'message', p_message, 'constraint', nullif(p_constraint, ''))))
    end
$$;

-- ENROLL (till) and `member add` (administrator).
create function loyalty_enroll(
    p_terminal bigint, p_request text, p_fingerprint text, p_admin text,
    p_first_name text, p_last_name text, p_email text, p_phone text, p_birth_date date,
    p_email_consent boolean, p_sms_consent boolean,
    p_address_line1 text, p_address_line2 text, p_postal_code text, p_city text, p_country text,
    p_preferred_store text, p_source_channel text, p_source_campaign text, p_external_id text,
    p_tags text[]
) returns jsonb
language plpgsql as $$
declare
    result jsonb;
    refused_state text;
    refused_message text;
    refused_constraint text;
    store text;
    member_id bigint;
    member_number text;
begin
    if p_terminal is not null then
        result := loyalty_replay(p_terminal, p_request, 'ENROLL', p_fingerprint);
        if result is not null then
            return result;
        end if;
        store := loyalty_terminal_store(p_terminal);
    end if;
    begin

        insert into members (
            number, first_name, last_name, email, phone, birth_date,
            email_consent, email_consent_at, sms_consent, sms_consent_at,
            address_line1, address_line2, postal_code, city, country,
            preferred_store, source_channel, source_campaign, external_id, tags, enrolled_by_terminal
        ) values (
            loyalty_next_member_number(), p_first_name, p_last_name, p_email, p_phone, p_birth_date,
            coalesce(p_email_consent, false), case when p_email_consent then now() end,
            coalesce(p_sms_consent, false), case when p_sms_consent then now() end,
            p_address_line1, p_address_line2, p_postal_code, p_city, p_country,
            coalesce(p_preferred_store, store),
            coalesce(p_source_channel, case when p_terminal is not null then 'store' end),
            p_source_campaign, p_external_id, coalesce(p_tags, '{}'), p_terminal
        )
        returning id, number into member_id, member_number;

        insert into point_accounts (member_id) values (member_id);

        result := jsonb_build_object('member', member_number, 'status', 'active', 'points', 0);
        if p_admin is not null then
            insert into audit_log (actor, action, subject, details)
            values (p_admin, 'member.add', member_number,
                    -- Which contact fields were given, not their values: the audit log is append-only,
                    -- and personal data must stay erasable from the member record alone.
                    jsonb_build_object('fields', to_jsonb(array_remove(array[
                        case when p_email is not null then 'email' end,
                        case when p_phone is not null then 'phone' end,
                        case when p_birth_date is not null then 'birth_date' end,
                        case when coalesce(p_address_line1, p_postal_code, p_city) is not null then 'address' end,
                        case when p_external_id is not null then 'external_id' end], null))));
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
        perform loyalty_record_request(p_terminal, p_request, 'ENROLL', p_fingerprint, result);
    end if;
    return result;
end
$$;

-- EARN: points for a purchase (the purchase is recorded for the repeat-purchase tracker) or an
-- explicit number of points. p_points is computed by the caller from the programme's earn rate.
create function loyalty_earn(
    p_terminal bigint, p_request text, p_fingerprint text, p_admin text,
    p_kind text, p_value text, p_points bigint,
    p_amount_minor bigint, p_currency text, p_receipt text, p_reason text
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
        end if;

        insert into point_entries (member_id, kind, points, terminal_id, request_id, admin_actor, receipt, reason, purchase_id)
        values (member.id, 'earn', p_points, p_terminal, p_request, p_admin, p_receipt, p_reason, purchase_id)
        returning id, balance_after into entry_id, balance;

        result := jsonb_build_object('member', member.number, 'earned', p_points, 'points', balance, 'entry', entry_id);
        if p_admin is not null then
            insert into audit_log (actor, action, subject, details)
            values (p_admin, 'points.earn', member.number,
                    jsonb_strip_nulls(jsonb_build_object('points', p_points, 'entry', entry_id, 'amount_minor', p_amount_minor,
                        'currency', p_currency, 'receipt', p_receipt, 'reason', p_reason)));
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

-- REDEEM (till and administrator) and `points adjust` with a negative number share the balance check.
create function loyalty_spend(
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
    available bigint;
    entry_id bigint;
    balance bigint;
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
        -- Lock the account first: concurrent spends of one member queue here, not in the CHECK.
        select a.balance into available from point_accounts a where a.member_id = member.id for update;
        if available < p_points then
            raise exception 'balance is % points, % requested', available, p_points using errcode = 'LY402';
        end if;

        insert into point_entries (member_id, kind, points, terminal_id, request_id, admin_actor, receipt, reason)
        values (member.id, p_entry_kind, -p_points, p_terminal, p_request, p_admin, p_receipt, p_reason)
        returning id, balance_after into entry_id, balance;

        result := jsonb_build_object('member', member.number, 'redeemed', p_points, 'points', balance, 'entry', entry_id);
        if p_admin is not null then
            insert into audit_log (actor, action, subject, details)
            values (p_admin, 'points.' || p_entry_kind, member.number,
                    jsonb_strip_nulls(jsonb_build_object('points', -p_points, 'entry', entry_id, 'receipt', p_receipt, 'reason', p_reason)));
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

-- `points adjust` with a positive number (administrator only; a reason is required by the ledger).
create function loyalty_adjust_up(p_admin text, p_kind text, p_value text, p_points bigint, p_reason text)
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
    insert into point_entries (member_id, kind, points, admin_actor, reason)
    values (member.id, 'adjust', p_points, p_admin, p_reason)
    returning id, balance_after into entry_id, balance;
    insert into audit_log (actor, action, subject, details)
    values (p_admin, 'points.adjust', member.number,
            jsonb_build_object('points', p_points, 'entry', entry_id, 'reason', p_reason));
    return jsonb_build_object('member', member.number, 'adjusted', p_points, 'points', balance, 'entry', entry_id);
end
$$;

-- REVERSE: takes back what an earlier earn awarded, fully, by refunded amount, or by points.
--
-- Partial refunds by amount are computed cumulatively: after refunds totalling R of a purchase of
-- amount A that earned E points, floor(E * R / A) points have been claimed back in all, so refunding
-- the whole purchase in parts claims back exactly E. A reversal takes min(claim, balance); what
-- could not be taken because it was already spent is recorded as shortfall and counts as claimed.
create function loyalty_reverse(
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

        -- Serialise with every other ledger write of this member before reading earlier reversals.
        select a.balance into available from point_accounts a where a.member_id = original.member_id for update;
        select number into member_number from members where id = original.member_id;

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
            values (original.member_id, case when p_terminal is not null then loyalty_terminal_store(p_terminal) end,
                    p_terminal, original.receipt, refund, purchase.currency,
                    case when p_terminal is null then 'admin' else 'till' end, 'return', purchase.id)
            returning id into return_id;
        end if;
        insert into point_entries (
            member_id, kind, points, terminal_id, request_id, admin_actor, receipt,
            reverses_entry_id, refund_minor, shortfall, purchase_id
        ) values (
            original.member_id, 'reverse', -taken, p_terminal, p_request, p_admin, original.receipt,
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

-- MEMBER and BALANCE at the till: the member's card view. Contact details are not included.
create function loyalty_member_card(p_terminal bigint, p_kind text, p_value text)
returns table (number text, first_name text, last_name text, status text, points bigint, since date)
language plpgsql stable as $$
begin
    if p_terminal is not null then
        perform loyalty_terminal_store(p_terminal);
    end if;
    return query
        select m.number, m.first_name, m.last_name, m.status, a.balance, (m.created_at at time zone 'UTC')::date
          from members m join point_accounts a on a.member_id = m.id
         where m.id = loyalty_member_id(p_kind, p_value);
end
$$;

-- HISTORY: the member's latest ledger entries, newest first. Always at least one row, so that the
-- member number comes back even when there are no entries yet (the entry columns are then null).
create function loyalty_history(p_terminal bigint, p_kind text, p_value text, p_limit int)
returns table (
    member text, entry bigint, at timestamptz, kind text, points bigint, balance bigint, receipt text, reason text,
    terminal text, admin_actor text, shortfall bigint, reverses bigint
)
language plpgsql stable as $$
begin
    if p_terminal is not null then
        perform loyalty_terminal_store(p_terminal);
    end if;
    return query
        select m.number, h.id, h.created_at, h.kind, h.points, h.balance_after, h.receipt, h.reason,
               h.terminal, h.admin_actor, h.shortfall, h.reverses_entry_id
          from members m
          left join lateral (
              select e.id, e.created_at, e.kind, e.points, e.balance_after, e.receipt, e.reason,
                     t.name as terminal, e.admin_actor, e.shortfall, e.reverses_entry_id
                from point_entries e left join terminals t on t.id = e.terminal_id
               where e.member_id = m.id
               order by e.id desc
               limit least(greatest(p_limit, 1), 1000)
          ) h on true
         where m.id = loyalty_member_id(p_kind, p_value)
         order by h.id desc;
end
$$;
