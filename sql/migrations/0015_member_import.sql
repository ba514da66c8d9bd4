-- 0015 Member import: rows of a CSV file, validated in Swift and copied (COPY) into the caller's temporary
-- table member_import_rows, are merged into members in one transaction (docs/member-import.md).
--
-- Each row is matched by one key (p_match: 'email', 'phone' or 'external-id') to an existing member:
-- email and phone only to members who are not closed (closed members free theirs), an external id to any
-- member (it stays unique among all of them). A matched row updates the fields it gives (null cells keep
-- the member's value); an unmatched row creates a member with an empty point account. A row is refused,
-- with a reason and without touching anything, when
--   * its key, or its email, phone or external id, is also on another row of the file (all such rows);
--   * its external id belongs to a closed member (when matching by external id);
--   * with p_update false, it matches a member;
--   * it would create a member but gives no first or last name;
--   * its email, phone or external id belongs to a member other than the one it matches.
-- A matched row that gives only the values the member already has is 'unchanged' and not written.
--
-- Consent given in the file goes into the consent history with source 'import' (the members trigger of
-- 0010 reads loyalty.consent_source and loyalty.consent_actor). With p_dry_run nothing is written: the
-- result is the same report as a real run's. A real run writes one audit_log row with the counts.

create function loyalty_import_members(
    p_actor text, p_file text, p_sha256 bytea, p_match text, p_update boolean, p_dry_run boolean,
    p_rows int, p_skipped int
) returns jsonb
language plpgsql as $$
declare
    v_created int;
    v_updated int;
    v_unchanged int;
    v_refused int;
    v_problems jsonb;
begin
    if p_match not in ('email', 'phone', 'external-id') then
        raise exception 'unknown match key %', p_match using errcode = 'LY400';
    end if;
    -- Imports run one at a time, so that the members matched here are the ones written.
    perform pg_advisory_xact_lock(hashtext('loyalty.member_import'));
    perform set_config('loyalty.consent_source', 'import', true);
    perform set_config('loyalty.consent_actor', left(p_actor, 100), true);

    create temporary table member_import_plan on commit drop as
    select r.*,
           case p_match when 'email' then r.email when 'phone' then r.phone else r.external_id end as key,
           null::bigint as target, null::text as problem, null::text as action
      from member_import_rows r;
    analyze member_import_plan;

    -- Values on more than one row: each of those rows is refused, naming the lines (the first five), for
    -- the match key before the other fields. Grouped, not windowed: most rows have no external id (say),
    -- and a window over that null partition would build an array of every line for every row.
    with groups as (
        select 1 as ord, 'email' as field, array_agg(line order by line) as lines
          from member_import_plan where email is not null group by email having count(*) > 1
        union all
        select 2, 'phone', array_agg(line order by line)
          from member_import_plan where phone is not null group by phone having count(*) > 1
        union all
        select 3, 'external-id', array_agg(line order by line)
          from member_import_plan where external_id is not null group by external_id having count(*) > 1
    ), reasons as (
        select distinct on (u.line) u.line,
               'duplicate ' || g.field || ' in the file (lines ' || array_to_string(g.lines[1:5], ', ')
               || case when cardinality(g.lines) > 5 then ', …' else '' end || ')' as reason
          from groups g cross join unnest(g.lines) as u (line)
         order by u.line, g.field <> p_match, g.ord
    )
    update member_import_plan p set problem = r.reason from reasons r where p.line = r.line;

    -- The member each row matches, locked until the end of the import. One statement per key, so that
    -- each is planned with its own index.
    if p_match = 'email' then
        update member_import_plan p set target = m.id
          from members m where p.problem is null and m.email = p.key and m.status <> 'closed';
    elsif p_match = 'phone' then
        update member_import_plan p set target = m.id
          from members m where p.problem is null and m.phone = p.key and m.status <> 'closed';
    else
        update member_import_plan p
           set target = m.id, problem = case when m.status = 'closed' then 'external-id belongs to a closed member' end
          from members m where p.problem is null and m.external_id = p.key;
    end if;
    perform 1 from members m join member_import_plan p on p.target = m.id where p.problem is null for update of m;

    update member_import_plan p
       set problem = case
               when p.target is not null and not p_update then 'already a member (--no-update)'
               when p.target is null and (p.first_name is null or p.last_name is null)
                   then 'a new member needs first-name and last-name'
               when p.email is not null and exists (
                        select 1 from members m where m.email = p.email and m.status <> 'closed'
                           and m.id is distinct from p.target) then 'email belongs to another member'
               when p.phone is not null and exists (
                        select 1 from members m where m.phone = p.phone and m.status <> 'closed'
                           and m.id is distinct from p.target) then 'phone belongs to another member'
               when p.external_id is not null and exists (
                        select 1 from members m where m.external_id = p.external_id
                           and m.id is distinct from p.target) then 'external-id belongs to another member'
           end
     where p.problem is null;

    update member_import_plan p set action = 'create' where p.problem is null and p.target is null;
    update member_import_plan p
       set action = case
               when (p.first_name is null or p.first_name = m.first_name)
                and (p.last_name is null or p.last_name = m.last_name)
                and (p.email is null or p.email = m.email)
                and (p.phone is null or p.phone = m.phone)
                and (p.birth_date is null or p.birth_date = m.birth_date)
                and (p.address_line1 is null or p.address_line1 = m.address_line1)
                and (p.address_line2 is null or p.address_line2 = m.address_line2)
                and (p.postal_code is null or p.postal_code = m.postal_code)
                and (p.city is null or p.city = m.city)
                and (p.country is null or p.country = m.country)
                and (p.preferred_store is null or p.preferred_store = m.preferred_store)
                and (p.source_channel is null or p.source_channel = m.source_channel)
                and (p.source_campaign is null or p.source_campaign = m.source_campaign)
                and (p.external_id is null or p.external_id = m.external_id)
                and (p.email_consent is null or p.email_consent = m.email_consent)
                and (p.sms_consent is null or p.sms_consent = m.sms_consent)
                and (p.tags is null or (p.tags @> m.tags and m.tags @> p.tags))
                   then 'unchanged'
               else 'update'
           end
      from members m
     where p.problem is null and m.id = p.target;

    select count(*) filter (where action = 'create'), count(*) filter (where action = 'update'),
           count(*) filter (where action = 'unchanged'), count(*) filter (where problem is not null),
           coalesce(jsonb_agg(jsonb_build_object('line', line, 'reason', problem) order by line)
                        filter (where problem is not null), '[]')
      into v_created, v_updated, v_unchanged, v_refused, v_problems
      from member_import_plan;

    if not p_dry_run then
        with added as (
            insert into members (
                number, first_name, last_name, email, phone, birth_date, address_line1, address_line2, postal_code,
                city, country, preferred_store, source_channel, source_campaign, external_id,
                email_consent, email_consent_at, sms_consent, sms_consent_at, tags)
            select loyalty_next_member_number(), p.first_name, p.last_name, p.email, p.phone, p.birth_date,
                   p.address_line1, p.address_line2, p.postal_code, p.city, p.country, p.preferred_store,
                   coalesce(p.source_channel, 'import'), p.source_campaign, p.external_id,
                   coalesce(p.email_consent, false), case when p.email_consent then now() end,
                   coalesce(p.sms_consent, false), case when p.sms_consent then now() end,
                   coalesce(array(select distinct t from unnest(p.tags) t order by t), '{}')
              from member_import_plan p
             where p.action = 'create'
             order by p.line
            returning id
        )
        insert into point_accounts (member_id) select id from added;

        update members m set
            first_name = coalesce(p.first_name, m.first_name),
            last_name = coalesce(p.last_name, m.last_name),
            email = coalesce(p.email, m.email),
            phone = coalesce(p.phone, m.phone),
            birth_date = coalesce(p.birth_date, m.birth_date),
            address_line1 = coalesce(p.address_line1, m.address_line1),
            address_line2 = coalesce(p.address_line2, m.address_line2),
            postal_code = coalesce(p.postal_code, m.postal_code),
            city = coalesce(p.city, m.city),
            country = coalesce(p.country, m.country),
            preferred_store = coalesce(p.preferred_store, m.preferred_store),
            source_channel = coalesce(p.source_channel, m.source_channel),
            source_campaign = coalesce(p.source_campaign, m.source_campaign),
            external_id = coalesce(p.external_id, m.external_id),
            email_consent = coalesce(p.email_consent, m.email_consent),
            email_consent_at = case when p.email_consent is distinct from m.email_consent and p.email_consent is not null
                                    then now() else m.email_consent_at end,
            sms_consent = coalesce(p.sms_consent, m.sms_consent),
            sms_consent_at = case when p.sms_consent is distinct from m.sms_consent and p.sms_consent is not null
                                  then now() else m.sms_consent_at end,
            tags = case when p.tags is null then m.tags else array(select distinct t from unnest(p.tags) t order by t) end,
            updated_at = now()
          from member_import_plan p
         where p.action = 'update' and m.id = p.target;

        insert into audit_log (actor, action, subject, details)
        values (p_actor, 'member.import', p_file,
                jsonb_build_object('sha256', encode(p_sha256, 'hex'), 'match', p_match, 'update', p_update,
                                   'rows', p_rows, 'skipped_rows', p_skipped, 'created', v_created,
                                   'updated', v_updated, 'unchanged', v_unchanged, 'refused_rows', v_refused));
    end if;

    return jsonb_build_object('created', v_created, 'updated', v_updated, 'unchanged', v_unchanged,
                              'refused', v_refused, 'problems', v_problems);
end
$$;
