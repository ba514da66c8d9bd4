-- 0013 Privacy: where consent changes come from, the member's data export, erasure and retention.
--
-- Invariants here:
--   * Every path that changes consent says where the change came from: ENROLL at a till ('till', the
--     terminal), `member add` and `member update` ('admin', the administrator), an import ('import'; it
--     declares so itself), an erasure ('erasure'). The functions declare it in their own transaction
--     (loyalty_consent_origin) before they write, so the consent trigger of 0010 reads it.
--   * An erased member is anonymous and stays so: a CHECK says which fields an erased record may hold,
--     and a trigger refuses every later change of the record (SQLSTATE LY450), as well as new or changed
--     interactions, follow-ups and send-list entries of the member.
--   * The ledger, purchases, gift cards, tiers and metrics of an erased member are kept: they carry no
--     personal data once the member record is anonymous, and the figures stay consistent.
--
-- SQLSTATE LY450: the member was erased (the CLI's MEMBER_ERASED).

-- Consent origin --------------------------------------------------------------------------------

-- Declares who changes consent in the rest of this transaction (the settings the consent trigger of
-- 0010 reads), unless the transaction already declared it: an import sets `import` once for all its rows
-- and may then call the functions below. Returns whether it declared, for loyalty_end_consent_origin.
create function loyalty_consent_origin(p_source text, p_actor text) returns boolean
language plpgsql as $$
begin
    if coalesce(current_setting('loyalty.consent_source', true), '') <> '' then
        return false;
    end if;
    perform set_config('loyalty.consent_source', p_source, true);
    perform set_config('loyalty.consent_actor', coalesce(left(p_actor, 100), ''), true);
    return true;
end
$$;

-- Takes back what loyalty_consent_origin declared, so that later work in the same transaction is not
-- attributed to it.
create function loyalty_end_consent_origin(p_declared boolean) returns void
language plpgsql as $$
begin
    if p_declared then
        perform set_config('loyalty.consent_source', '', true);
        perform set_config('loyalty.consent_actor', '', true);
    end if;
end
$$;

-- ENROLL (till) and `member add` (administrator), as in 0002, declaring the consent origin: the
-- terminal's name at a till, the administrator otherwise.
create or replace function loyalty_enroll(
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
    declared boolean;
begin
    if p_terminal is not null then
        result := loyalty_replay(p_terminal, p_request, 'ENROLL', p_fingerprint);
        if result is not null then
            return result;
        end if;
        store := loyalty_terminal_store(p_terminal);
        declared := loyalty_consent_origin('till', (select t.name from terminals t where t.id = p_terminal));
    else
        declared := loyalty_consent_origin('admin', p_admin);
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
    perform loyalty_end_consent_origin(declared);
    if p_terminal is not null then
        perform loyalty_record_request(p_terminal, p_request, 'ENROLL', p_fingerprint, result);
    end if;
    return result;
end
$$;

-- `member update`: the changes as jsonb (a key present changes the column; JSON null clears it), tags
-- added and removed, and the audit details (field names only), in one transaction. Returns the number.
create function loyalty_update_member(
    p_admin text, p_kind text, p_value text, p_changes jsonb, p_add_tags text[], p_remove_tags text[], p_audit jsonb
) returns text
language plpgsql as $$
declare
    member members%rowtype;
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
     where m.id = member.id;
    perform loyalty_end_consent_origin(declared);
    insert into audit_log (actor, action, subject, details) values (p_admin, 'member.update', member.number, p_audit);
    return member.number;
end
$$;

-- Erased members are anonymous and final -------------------------------------------------------

-- An erased record keeps neutral names (names are required on every member) and nothing else personal.
alter table members add constraint members_erased_anonymous check (
    erased_at is null or (
        first_name = 'Erased' and last_name = 'Member' and email is null and phone is null and birth_date is null
        and address_line1 is null and address_line2 is null and postal_code is null and city is null and country is null
        and external_id is null and source_campaign is null and tags = '{}' and not email_consent and not sms_consent));

create function members_refuse_erased_change() returns trigger
language plpgsql as $$
begin
    if old.erased_at is not null then
        raise exception 'member % was erased on %; the record cannot be changed', old.number, old.erased_at::date
            using errcode = 'LY450';
    end if;
    return case when tg_op = 'DELETE' then old else new end;
end
$$;

create trigger members_erased_final before update or delete on members
    for each row execute function members_refuse_erased_change();

-- Rows about an erased member (interactions, follow-ups, send-list entries) are not written again: the
-- erasure blanked their text and addresses before it stamped the member.
create function refuse_erased_member_rows() returns trigger
language plpgsql as $$
begin
    if exists (select 1 from members m where m.id = new.member_id and m.erased_at is not null) then
        raise exception 'the member was erased; % cannot be written for them', tg_table_name using errcode = 'LY450';
    end if;
    return new;
end
$$;

create trigger interactions_erased_member before insert or update on interactions
    for each row execute function refuse_erased_member_rows();
create trigger followups_erased_member before insert or update on followups
    for each row execute function refuse_erased_member_rows();
create trigger campaign_members_erased_member before insert or update on campaign_members
    for each row execute function refuse_erased_member_rows();

-- Erasure ---------------------------------------------------------------------------------------

-- A done follow-up stays done (0011), but its title is the member's data too: the erasure may blank it.
create or replace function followups_guard() returns trigger
language plpgsql as $$
begin
    if old.done_at is not null and (new.done_at is distinct from old.done_at or new.done_by is distinct from old.done_by
                                    or new.due_on <> old.due_on or new.owner <> old.owner
                                    or (new.title <> old.title and new.title <> '(erased)')) then
        raise exception 'follow-up % is done', old.id using errcode = 'LY400';
    end if;
    return new;
end
$$;

-- Erases one member in the caller's transaction: closes the record if it is open, replaces the names,
-- removes every contact and profile field, withdraws consent (consent events with source 'erasure'),
-- blanks the free text of their interactions and follow-ups (resolving open complaints and finishing
-- open follow-ups, which could not be touched again) and the addresses of their send-list entries, and
-- stamps erased_at; writes a `member.erase` audit row naming the kinds of data removed, never the values.
-- p_by is 'admin', 'retention' or 'merge' (the merged record of a member merge). Returns what was done.
create function loyalty_erase_member_row(p_member bigint, p_actor text, p_reason text, p_by text) returns jsonb
language plpgsql as $$
declare
    member members%rowtype;
    removed text[];
    interactions_blanked int;
    followups_blanked int;
    addresses_removed int;
    declared boolean;
    summary jsonb;
begin
    if p_reason is null or length(p_reason) not between 1 and 500 then
        raise exception 'an erasure needs a reason (1 to 500 characters)' using errcode = 'LY400';
    end if;
    select * into member from members where id = p_member for update;
    if not found then
        raise exception 'no such member' using errcode = 'LY404';
    end if;
    if member.erased_at is not null then
        raise exception 'member % was already erased on %', member.number, member.erased_at::date using errcode = 'LY450';
    end if;
    removed := array_remove(array[
        'name',
        case when member.email is not null then 'email' end,
        case when member.phone is not null then 'phone' end,
        case when member.birth_date is not null then 'birth_date' end,
        case when coalesce(member.address_line1, member.address_line2, member.postal_code, member.city,
                           member.country) is not null then 'address' end,
        case when member.external_id is not null then 'external_id' end,
        case when member.source_campaign is not null then 'source_campaign' end,
        case when member.tags <> '{}' then 'tags' end,
        case when member.email_consent then 'email_consent' end,
        case when member.sms_consent then 'sms_consent' end], null);

    update interactions
       set summary = '(erased)', body = '',
           status = case when status is not null then 'resolved' end,
           resolved_at = case when status is not null then coalesce(resolved_at, now()) end,
           updated_at = now()
     where member_id = p_member;
    get diagnostics interactions_blanked = row_count;
    update followups
       set title = '(erased)', done_at = coalesce(done_at, now()), done_by = coalesce(done_by, left(p_actor, 100))
     where member_id = p_member;
    get diagnostics followups_blanked = row_count;
    update campaign_members set address = null where member_id = p_member and address is not null;
    get diagnostics addresses_removed = row_count;

    declared := loyalty_consent_origin('erasure', p_actor);
    update members set
        status = 'closed', closed_at = coalesce(closed_at, now()),
        first_name = 'Erased', last_name = 'Member',
        email = null, phone = null, birth_date = null,
        address_line1 = null, address_line2 = null, postal_code = null, city = null, country = null,
        external_id = null, source_campaign = null, tags = '{}',
        email_consent = false, email_consent_at = case when email_consent then now() else email_consent_at end,
        sms_consent = false, sms_consent_at = case when sms_consent then now() else sms_consent_at end,
        erased_at = now(), updated_at = now()
     where id = p_member;
    perform loyalty_end_consent_origin(declared);

    summary := jsonb_build_object(
        'removed', to_jsonb(removed), 'closed', member.status <> 'closed', 'interactions', interactions_blanked,
        'followups', followups_blanked, 'campaign_addresses', addresses_removed);
    insert into audit_log (actor, action, subject, details)
    values (p_actor, 'member.erase', member.number, summary || jsonb_build_object('reason', p_reason, 'by', p_by));
    return summary || jsonb_build_object('member', member.number,
                                         'erased_at', to_char(now() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'));
end
$$;

-- `member erase`: an administrator erases one member, found by number, phone or email.
create function loyalty_erase_member(p_admin text, p_kind text, p_value text, p_reason text) returns jsonb
language sql as $$
    select loyalty_erase_member_row(loyalty_member_id(p_kind, p_value), p_admin, p_reason, 'admin')
$$;

-- Retention -------------------------------------------------------------------------------------

-- Members closed more than p_days days ago and not erased yet (members_closed_unerased).
create function loyalty_retention_candidates(p_days int) returns bigint
language sql stable as $$
    select count(*) from members
     where status = 'closed' and erased_at is null and closed_at < now() - make_interval(days => p_days)
$$;

-- One batch of the retention job: erases up to p_limit members closed more than p_days days ago, oldest
-- closure first, in one transaction. Members another run has locked are skipped (that run erases them),
-- so concurrent runs never erase anyone twice. Returns how many it erased; fewer than p_limit means done.
create function loyalty_retention_erase(p_actor text, p_days int, p_limit int) returns int
language plpgsql as $$
declare
    candidate bigint;
    erased int := 0;
begin
    if p_days is null or p_days not between 30 and 36500 then
        raise exception 'retention days must be 30...36500' using errcode = 'LY400';
    end if;
    for candidate in
        select id from members
         where status = 'closed' and erased_at is null and closed_at < now() - make_interval(days => p_days)
         order by closed_at, id
         limit p_limit
           for update skip locked
    loop
        perform loyalty_erase_member_row(candidate, p_actor, 'retention: closed more than ' || p_days || ' days',
                                         'retention');
        erased := erased + 1;
    end loop;
    return erased;
end
$$;

-- Export ----------------------------------------------------------------------------------------

-- The export (and people asking what the log says about a member) read the audit rows by subject.
create index audit_log_subject on audit_log (subject, id) where subject is not null;

-- Everything held about one member, as one JSON document (docs/privacy.md describes it), and a
-- `member.export-data` audit row in the same transaction. The audit rows in the document are those
-- whose subject is the member, up to (not including) this export's own.
create function loyalty_member_export(p_admin text, p_kind text, p_value text, p_rules jsonb) returns jsonb
language plpgsql as $$
declare
    member members%rowtype;
    document jsonb;
begin
    select * into member from members where id = loyalty_member_id(p_kind, p_value);
    document := jsonb_build_object(
        'schema', 'loyalty-member-export/1',
        'exported_at', now(),
        'profile', jsonb_build_object(
            'number', member.number, 'status', member.status,
            'first_name', member.first_name, 'last_name', member.last_name,
            'email', member.email, 'phone', member.phone, 'birth_date', member.birth_date,
            'address', jsonb_build_object(
                'line1', member.address_line1, 'line2', member.address_line2, 'postal_code', member.postal_code,
                'city', member.city, 'country', member.country),
            'preferred_store', member.preferred_store, 'source_channel', member.source_channel,
            'source_campaign', member.source_campaign,
            'source', (select jsonb_build_object('code', s.code, 'name', s.name, 'channel', s.channel)
                         from acquisition_sources s where s.id = member.source_id),
            'external_id', member.external_id, 'tags', to_jsonb(member.tags),
            'enrolled_by_terminal', (select t.name from terminals t where t.id = member.enrolled_by_terminal),
            'created_at', member.created_at, 'updated_at', member.updated_at, 'closed_at', member.closed_at,
            'erased_at', member.erased_at,
            'merged_into', (select m.number from members m where m.id = member.merged_into),
            'merged_at', member.merged_at),
        'consent', jsonb_build_object(
            'email', jsonb_build_object('granted', member.email_consent, 'since', member.email_consent_at),
            'sms', jsonb_build_object('granted', member.sms_consent, 'since', member.sms_consent_at),
            'history', coalesce((
                select jsonb_agg(jsonb_build_object('channel', e.channel, 'granted', e.granted, 'at', e.at,
                                                    'source', e.source, 'actor', e.actor) order by e.at, e.id)
                  from consent_events e where e.member_id = member.id), '[]')),
        'points', (
            select jsonb_build_object(
                'balance', a.balance, 'spendable', loyalty_spendable(member.id), 'pending', loyalty_pending(member.id),
                'last_activity_at', a.last_activity_at,
                'entries', coalesce((
                    select jsonb_agg(jsonb_strip_nulls(jsonb_build_object(
                               'entry', e.id, 'at', e.created_at, 'kind', e.kind, 'points', e.points,
                               'balance_after', e.balance_after, 'receipt', e.receipt, 'reason', e.reason,
                               'terminal', t.name, 'request', e.request_id, 'admin', e.admin_actor,
                               'reverses_entry', e.reverses_entry_id, 'refund_minor', e.refund_minor,
                               'shortfall', nullif(e.shortfall, 0), 'purchase', e.purchase_id,
                               'available_at', e.available_at, 'expires_at', e.expires_at))
                               || jsonb_build_object('items', loyalty_entry_items(e.id))
                           order by e.id)
                      from point_entries e left join terminals t on t.id = e.terminal_id
                     where e.member_id = member.id), '[]'),
                'open_lots', coalesce((
                    select jsonb_agg(jsonb_build_object('entry', l.entry_id, 'points', l.points, 'remaining', l.remaining,
                                                        'available_at', l.available_at, 'expires_at', l.expires_at)
                           order by l.entry_id)
                      from point_lots l where l.member_id = member.id and l.remaining > 0), '[]'))
              from point_accounts a where a.member_id = member.id),
        'tier', (
            select jsonb_build_object('code', s.tier_code, 'qualifying', s.qualifying, 'next', s.next_code,
                                      'to_next', s.to_next,
                                      'since', mt.since, 'manual_until', mt.manual_until, 'manual_reason', mt.manual_reason,
                                      'evaluation_on', mt.evaluation_on)
              from loyalty_tier_status(member.id, p_rules) s
              left join member_tiers mt on mt.member_id = member.id),
        'tier_history', coalesce((
            select jsonb_agg(jsonb_build_object('at', c.at, 'from', f.code, 'to', t.code, 'reason', c.reason,
                                                'note', c.note, 'actor', c.actor, 'entry', c.entry_id) order by c.id)
              from tier_changes c join tiers t on t.id = c.to_tier_id left join tiers f on f.id = c.from_tier_id
             where c.member_id = member.id), '[]'),
        'purchases', coalesce((
            select jsonb_agg(jsonb_build_object('purchase', p.id, 'at', p.purchased_at, 'kind', p.kind,
                                                'returns_purchase', p.returns_purchase_id, 'store', p.store_code,
                                                'terminal', t.name, 'receipt', p.receipt, 'amount_minor', p.amount_minor,
                                                'currency', p.currency, 'source', p.source) order by p.purchased_at, p.id)
              from purchases p left join terminals t on t.id = p.terminal_id
             where p.member_id = member.id), '[]'),
        'purchase_metrics', (
            select to_jsonb(x) - 'member_id' from member_purchase_metrics x where x.member_id = member.id),
        'vouchers', coalesce((
            select jsonb_agg(jsonb_build_object('last4', v.code_last4, 'reward', r.code, 'reward_name', r.name,
                                                'issued_at', v.issued_at, 'expires_on', v.expires_on,
                                                'claim_entry', c.entry_id, 'granted_by', v.granted_by,
                                                'grant_reason', v.grant_reason, 'used_at', u.used_at,
                                                'used_store', u.store_code, 'used_receipt', u.receipt) order by v.id)
              from vouchers v join rewards r on r.id = v.reward_id
              left join reward_claims c on c.id = v.claim_id
              left join voucher_uses u on u.voucher_id = v.id
             where v.member_id = member.id), '[]'),
        'gift_cards', coalesce((
            select jsonb_agg(jsonb_build_object('last4', g.code_last4, 'batch', g.batch_id, 'state', g.state,
                                                'currency', g.currency, 'balance_minor', g.balance, 'held_minor', g.held,
                                                'expires_on', g.expires_on) order by g.id)
              from gift_cards g where g.member_id = member.id), '[]'),
        'interactions', coalesce((
            select jsonb_agg(jsonb_build_object('id', i.id, 'kind', i.kind, 'channel', i.channel, 'author', i.author,
                                                'occurred_at', i.occurred_at, 'summary', i.summary, 'body', i.body,
                                                'status', i.status, 'owner', i.owner, 'resolved_at', i.resolved_at,
                                                'created_at', i.created_at, 'updated_at', i.updated_at)
                             order by i.occurred_at, i.id)
              from interactions i where i.member_id = member.id), '[]'),
        'followups', coalesce((
            select jsonb_agg(jsonb_build_object('id', f.id, 'interaction', f.interaction_id, 'due_on', f.due_on,
                                                'owner', f.owner, 'title', f.title, 'created_by', f.created_by,
                                                'created_at', f.created_at, 'done_at', f.done_at, 'done_by', f.done_by)
                             order by f.due_on, f.id)
              from followups f where f.member_id = member.id), '[]'),
        'campaigns', coalesce((
            select jsonb_agg(jsonb_build_object('campaign', c.code, 'name', c.name, 'channel', c.channel, 'arm', cm.arm,
                                                'contacted_at', cm.contacted_at, 'address', cm.address) order by c.id)
              from campaign_members cm join campaigns c on c.id = cm.campaign_id
             where cm.member_id = member.id), '[]'),
        'birthday_bonuses', coalesce((
            select jsonb_agg(jsonb_build_object('year', b.year, 'entry', b.entry_id, 'granted_at', b.granted_at)
                             order by b.year)
              from birthday_bonuses b where b.member_id = member.id), '[]'),
        'audit', coalesce((
            select jsonb_agg(jsonb_build_object('at', l.at, 'actor', l.actor, 'action', l.action, 'details', l.details)
                             order by l.id)
              from audit_log l where l.subject = member.number), '[]'));

    insert into audit_log (actor, action, subject, details)
    values (p_admin, 'member.export-data', member.number, jsonb_build_object(
        'schema', document->>'schema',
        'ledger_entries', jsonb_array_length(document->'points'->'entries'),
        'purchases', jsonb_array_length(document->'purchases'),
        'interactions', jsonb_array_length(document->'interactions'),
        'audit_rows', jsonb_array_length(document->'audit')));
    return document;
end
$$;
