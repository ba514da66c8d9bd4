-- 0014 Duplicates and merge: likely duplicate members found and scored; two records merged into one in a
-- single transaction, with an audit trail; the merged member's number keeps resolving to the kept one.
--
-- The points ledger is append-only, so a merge does not move entries: it transfers what the other member
-- holds as a pair of `merge` entries. The other member's entry takes the balance off, and one entry per
-- open lot on the kept member gives it back with the lot's own dates, so pending points stay pending and
-- expiring points keep their expiry date. Points already past their expiry stay behind for the expiry job.
-- Everything else that belongs to the person moves: purchases, gift-card links, interactions, follow-ups,
-- campaign send-list entries (unless the kept member is on the same list), tags; blank profile fields of
-- the kept member are filled from the other, and the better tier is kept.

-- A merged member's number (and only its number: email and phone are the kept member's own now) resolves
-- to the member it was merged into, following a chain of merges.
create or replace function loyalty_member_id(p_kind text, p_value text) returns bigint
language plpgsql stable as $$
declare
    found_id bigint;
    next_id bigint;
begin
    if p_kind = 'number' then
        select id, merged_into into found_id, next_id from members where number = p_value;
        for hop in 1..16 loop
            exit when next_id is null;
            select id, merged_into into found_id, next_id from members where id = next_id;
        end loop;
        if next_id is not null then
            raise exception 'member number % is merged more than 16 times over', p_value using errcode = 'LY500';
        end if;
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

-- A follow-up names an interaction of its own member (0011); when a merge moves the interaction, its
-- follow-ups move with it.
alter table followups
    drop constraint followups_interaction_member,
    add constraint followups_interaction_member foreign key (interaction_id, member_id)
        references interactions (id, member_id) on update cascade;

-- The send list (0012) is written by the send alone; a merge may also move an entry to the member the
-- entry's member was merged into, so that attribution follows the person.
create or replace function campaign_members_guard() returns trigger
language plpgsql as $$
begin
    if tg_op = 'DELETE' then
        raise exception 'a campaign''s send list cannot be changed' using errcode = 'LY400';
    end if;
    if tg_op = 'UPDATE' then
        if new.address is null and (new.campaign_id, new.member_id, new.arm, new.contacted_at)
                is not distinct from (old.campaign_id, old.member_id, old.arm, old.contacted_at) then
            return new;
        end if;
        if (new.campaign_id, new.arm, new.contacted_at, new.address)
                is not distinct from (old.campaign_id, old.arm, old.contacted_at, old.address)
           and exists (select 1 from members m where m.id = old.member_id and m.merged_into = new.member_id) then
            return new;
        end if;
        raise exception 'a campaign''s send list cannot be changed' using errcode = 'LY400';
    end if;
    if exists (select 1 from campaigns c where c.id = new.campaign_id and c.sent_at is not null) then
        raise exception 'campaign % was sent; its send list cannot be changed', new.campaign_id using errcode = 'LY409';
    end if;
    return new;
end
$$;

-- Every merge: who into whom, by whom, why, and what moved.
create table member_merges (
    id         bigint generated always as identity primary key,
    kept_id    bigint not null references members (id),
    merged_id  bigint not null unique references members (id),
    actor      text not null check (length(actor) between 1 and 100),
    reason     text not null check (length(reason) between 1 and 500),
    moved      jsonb not null,
    at         timestamptz not null default now(),
    check (kept_id <> merged_id)
);
create index member_merges_kept on member_merges (kept_id);

create trigger member_merges_append_only before update or delete on member_merges
    for each row execute function refuse_change();
create trigger member_merges_no_truncate before truncate on member_merges
    for each statement execute function refuse_change();

-- Merges `p_other` into `p_keep`. Both must be open (active or suspended) and different. Returns what moved.
create function loyalty_merge_members(p_admin text, p_keep_kind text, p_keep_value text, p_other_kind text,
                                      p_other_value text, p_reason text)
returns jsonb
language plpgsql as $$
declare
    keep_id bigint := loyalty_member_id(p_keep_kind, p_keep_value);
    other_id bigint := loyalty_member_id(p_other_kind, p_other_value);
    keep members%rowtype;
    other members%rowtype;
    moved_points bigint;
    lot_points bigint[];
    lot_available timestamptz[];
    lot_expires timestamptz[];
    keep_tier member_tiers%rowtype;
    other_tier member_tiers%rowtype;
    tier_moved boolean := false;
    filled text[];
    n_purchases int;
    n_cards int;
    n_interactions int;
    n_followups int;
    n_campaigns int;
    moved jsonb;
    declared boolean;
begin
    if p_reason is null or length(btrim(p_reason)) = 0 then
        raise exception 'a reason is required' using errcode = 'LY400';
    end if;
    if keep_id = other_id then
        raise exception 'a member cannot be merged into itself' using errcode = 'LY400';
    end if;
    -- Both rows locked in id order, so that two merges of the same pair cannot deadlock.
    perform 1 from members where id in (keep_id, other_id) order by id for update;
    perform 1 from point_accounts where member_id in (keep_id, other_id) order by member_id for update;
    select * into keep from members where id = keep_id;
    select * into other from members where id = other_id;
    if keep.status = 'closed' or other.status = 'closed' then
        raise exception 'member % is closed; only open members are merged',
            case when keep.status = 'closed' then keep.number else other.number end using errcode = 'LY410';
    end if;

    -- Points. The lots are read before the outgoing entry consumes them; lots of the same dates become one
    -- incoming entry. A lot already spendable needs no date (spendable at once); a pending one keeps its day.
    select array_agg(points order by available_at nulls first, expires_at nulls last),
           array_agg(available_at order by available_at nulls first, expires_at nulls last),
           array_agg(expires_at order by available_at nulls first, expires_at nulls last),
           coalesce(sum(points), 0)
      into lot_points, lot_available, lot_expires, moved_points
      from (select sum(l.remaining) as points, case when l.available_at > now() then l.available_at end as available_at,
                   l.expires_at
              from point_lots l
             where l.member_id = other.id and l.remaining > 0 and (l.expires_at is null or l.expires_at > now())
             group by 2, 3) grouped;
    if moved_points > 0 then
        insert into point_entries (member_id, kind, points, admin_actor, reason)
        values (other.id, 'merge', -moved_points, p_admin, 'merged into ' || keep.number);
        for i in 1..cardinality(lot_points) loop
            insert into point_entries (member_id, kind, points, admin_actor, reason, available_at, expires_at)
            values (keep.id, 'merge', lot_points[i], p_admin, 'merged from ' || other.number, lot_available[i],
                    lot_expires[i]);
        end loop;
    end if;

    -- The other record is closed and marked merged before anything moves: the send list's guard lets an
    -- entry move only to the member its member was merged into, and closing frees the email, phone and
    -- external id for the kept record.
    update members set status = 'closed', closed_at = now(), merged_into = keep.id, merged_at = now(),
                       external_id = null, updated_at = now()
     where id = other.id;

    -- Purchases and the tracker's figures: the kept member's metrics are recomputed from all of them.
    update purchases set member_id = keep.id where member_id = other.id;
    get diagnostics n_purchases = row_count;
    delete from member_purchase_metrics where member_id = other.id;
    delete from purchase_metrics_queue where member_id = other.id;
    if n_purchases > 0 then
        insert into purchase_metrics_queue (member_id) values (keep.id) on conflict do nothing;
    end if;

    update gift_cards set member_id = keep.id, updated_at = now() where member_id = other.id;
    get diagnostics n_cards = row_count;
    select count(*) into n_followups from followups where member_id = other.id;
    update interactions set member_id = keep.id where member_id = other.id;
    get diagnostics n_interactions = row_count;
    update followups set member_id = keep.id where member_id = other.id;
    -- A send-list entry moves unless the kept member is on that list already (one entry per member).
    update campaign_members c set member_id = keep.id
     where c.member_id = other.id
       and not exists (select 1 from campaign_members k where k.campaign_id = c.campaign_id and k.member_id = keep.id);
    get diagnostics n_campaigns = row_count;

    -- The better tier: the other's, when it ranks above the kept member's.
    select * into keep_tier from member_tiers where member_id = keep.id;
    select * into other_tier from member_tiers where member_id = other.id;
    if other_tier.member_id is not null and (select rank from tiers where id = other_tier.tier_id)
           > coalesce((select rank from tiers where id = keep_tier.tier_id), (select min(rank) from tiers)) then
        insert into member_tiers (member_id, tier_id, since, manual_until, manual_reason, evaluation_on)
        values (keep.id, other_tier.tier_id, other_tier.since, other_tier.manual_until, other_tier.manual_reason,
                other_tier.evaluation_on)
        on conflict (member_id) do update set tier_id = excluded.tier_id, since = excluded.since,
                                              manual_until = excluded.manual_until,
                                              manual_reason = excluded.manual_reason,
                                              evaluation_on = excluded.evaluation_on;
        insert into tier_changes (member_id, from_tier_id, to_tier_id, reason, note, actor)
        values (keep.id, coalesce(keep_tier.tier_id, (select id from tiers order by rank limit 1)), other_tier.tier_id,
                'manual', 'merged from ' || other.number, p_admin);
        tier_moved := true;
    end if;

    -- Blank fields of the kept member are filled from the other. Consent follows the address: an email or
    -- phone taken from the other record comes with the other's consent for it.
    filled := array_remove(array[
        case when keep.email is null and other.email is not null then 'email' end,
        case when keep.phone is null and other.phone is not null then 'phone' end,
        case when keep.birth_date is null and other.birth_date is not null then 'birth_date' end,
        case when keep.address_line1 is null and keep.postal_code is null and keep.city is null
                  and coalesce(other.address_line1, other.postal_code, other.city) is not null then 'address' end,
        case when keep.preferred_store is null and other.preferred_store is not null then 'preferred_store' end,
        case when keep.external_id is null and other.external_id is not null then 'external_id' end,
        case when keep.source_id is null and other.source_id is not null then 'source' end,
        case when not (keep.tags @> other.tags) then 'tags' end
    ], null);
    declared := loyalty_consent_origin('merge', p_admin);
    update members m set
        email = coalesce(keep.email, other.email),
        email_consent = case when keep.email is null and other.email is not null then other.email_consent
                             else keep.email_consent end,
        email_consent_at = case when keep.email is null and other.email is not null then other.email_consent_at
                                else keep.email_consent_at end,
        phone = coalesce(keep.phone, other.phone),
        sms_consent = case when keep.phone is null and other.phone is not null then other.sms_consent
                           else keep.sms_consent end,
        sms_consent_at = case when keep.phone is null and other.phone is not null then other.sms_consent_at
                              else keep.sms_consent_at end,
        birth_date = coalesce(keep.birth_date, other.birth_date),
        address_line1 = case when 'address' = any (filled) then other.address_line1 else keep.address_line1 end,
        address_line2 = case when 'address' = any (filled) then other.address_line2 else keep.address_line2 end,
        postal_code = case when 'address' = any (filled) then other.postal_code else keep.postal_code end,
        city = case when 'address' = any (filled) then other.city else keep.city end,
        country = case when 'address' = any (filled) then coalesce(other.country, keep.country) else keep.country end,
        preferred_store = coalesce(keep.preferred_store, other.preferred_store),
        external_id = coalesce(keep.external_id, other.external_id),
        source_id = coalesce(keep.source_id, other.source_id),
        tags = array(select distinct t from unnest(keep.tags || other.tags) t order by t),
        -- The earlier enrolment is the member's: "member since" and anniversaries count from it.
        created_at = least(keep.created_at, other.created_at),
        updated_at = now()
     where m.id = keep.id;
    perform loyalty_end_consent_origin(declared);

    -- A birthday bonus the other record had this year was the person's: the kept one gets none again.
    insert into birthday_bonuses (member_id, year, entry_id, granted_at)
    select keep.id, b.year, b.entry_id, b.granted_at from birthday_bonuses b where b.member_id = other.id
    on conflict do nothing;

    -- What the kept record did not take of the other's personal data goes: the other record stays, anonymous,
    -- for its ledger and so that its number resolves (0013's erasure, audited as `member.erase` by `merge`).
    perform loyalty_erase_member_row(other.id, p_admin, 'merged into ' || keep.number, 'merge');

    moved := jsonb_build_object(
        'points', moved_points, 'purchases', n_purchases, 'gift_cards', n_cards, 'interactions', n_interactions,
        'followups', n_followups, 'campaigns', n_campaigns, 'tier', tier_moved, 'filled', to_jsonb(filled));
    insert into member_merges (kept_id, merged_id, actor, reason, moved)
    values (keep.id, other.id, p_admin, p_reason, moved);
    insert into audit_log (actor, action, subject, details)
    values (p_admin, 'member.merge', keep.number,
            jsonb_build_object('merged', other.number, 'reason', p_reason) || moved);
    return jsonb_build_object('kept', keep.number, 'merged', other.number,
                              'balance', (select balance from point_accounts where member_id = keep.id)) || moved;
end
$$;

-- Likely duplicates -----------------------------------------------------------------------------

-- Keys under which two records of one person tend to agree even when they were typed differently.
-- Text is compared in lower case with common accents folded, without spaces and punctuation (names also
-- without digits): `Zoë O'Brien` and `zoe obrien` agree, and so do `Main St. 1` and `main st 1`.
create function loyalty_fold(p_text text) returns text
language sql immutable strict parallel safe as $$
    select translate(lower(p_text), 'àáâãäåāăąçćčďèéêëēėęěğìíîïīįıłñńňòóôõöøōőřśšşťùúûüūůűųýÿžźżß',
                                    'aaaaaaaaacccdeeeeeeeegiiiiiiilnnnooooooooorsssttuuuuuuuuyyzzzs')
$$;

create function loyalty_name_key(p_name text) returns text
language sql immutable strict parallel safe as $$
    -- Spaces, punctuation and digits go; letters of any script stay (a name in Chinese script is not empty).
    select nullif(regexp_replace(loyalty_fold(p_name), '[[:space:][:punct:][:digit:]]', '', 'g'), '')
$$;

-- An address: the postal code and the first line (null unless both are known).
create function loyalty_address_key(p_postal_code text, p_line1 text) returns text
language sql immutable strict parallel safe as $$
    select nullif(regexp_replace(loyalty_fold(p_postal_code), '[^a-z0-9]', '', 'g'), '') || ':'
        || nullif(regexp_replace(loyalty_fold(p_line1), '[^a-z0-9]', '', 'g'), '')
$$;

-- Emails: the part after a `+` dropped (plus addressing), and dots in Gmail addresses, which Gmail ignores.
create function loyalty_email_key(p_email text) returns text
language sql immutable strict parallel safe as $$
    select case when domain in ('gmail.com', 'googlemail.com') then replace(local, '.', '') || '@gmail.com'
                else local || '@' || domain end
      from (select split_part(split_part(lower(p_email), '@', 1), '+', 1) as local,
                   split_part(lower(p_email), '@', 2) as domain) parts
$$;

-- Phones: the last nine digits, so that one number stored under two country codes (a number typed without
-- its code and read in the default region) still agrees.
create function loyalty_phone_key(p_phone text) returns text
language sql immutable strict parallel safe as $$
    select case when length(p_phone) >= 10 then right(p_phone, 9) end
$$;

-- Edit distance between two short strings (names), with an early way out past p_limit.
create function loyalty_edit_distance(p_a text, p_b text, p_limit int) returns int
language plpgsql immutable strict parallel safe as $$
declare
    previous int[];
    current int[];
    best int;
begin
    if abs(length(p_a) - length(p_b)) > p_limit then
        return p_limit + 1;
    end if;
    previous := array(select generate_series(0, length(p_b)));
    for i in 1..length(p_a) loop
        current := array[i];
        best := i;
        for j in 1..length(p_b) loop
            current := current || least(previous[j + 1] + 1, current[j] + 1,
                                        previous[j] + case when substr(p_a, i, 1) = substr(p_b, j, 1) then 0 else 1 end);
            best := least(best, current[j + 1]);
        end loop;
        if best > p_limit then
            return p_limit + 1;
        end if;
        previous := current;
    end loop;
    return previous[length(p_b) + 1];
end
$$;

-- Two first names that may be one: equal, one the short form of the other (`rob`, `robert`), or one typo
-- apart (two for long names).
create function loyalty_similar_first_names(p_a text, p_b text) returns boolean
language sql immutable strict parallel safe as $$
    select p_a = p_b
        or (least(length(p_a), length(p_b)) >= 3 and (starts_with(p_a, p_b) or starts_with(p_b, p_a)))
        or loyalty_edit_distance(p_a, p_b, 2) <= case when least(length(p_a), length(p_b)) >= 7 then 2 else 1 end
$$;

-- Pairs of open members that are likely one person, scored 0–100 from what they share:
--   email (same after plus-addressing and Gmail dots are ignored)   60
--   phone (same last nine digits: open members never share a number) 40
--   name (same after case, accents and punctuation)                 30,  or similar name  20
--   birth date                                                      30
--   address (same postal code and first line, normalised)           30
-- Candidates come from blocks of members sharing an email, phone, name and birth date, or address; blocks
-- larger than 20 members (a shared office address, a placeholder birth date) say nothing and are skipped.
-- With p_member, only the pairs that include that member. PL/pgSQL, not SQL: an SQL function would be
-- inlined into the caller's query, where p_member is no constant, and the planner then lost the blocks'
-- hash joins for a nested loop over every pair of members (minutes at 20,000 members).
create function loyalty_member_duplicates(p_min_score int, p_limit int, p_member bigint)
returns table (first_id bigint, second_id bigint, score int, reasons text[])
language plpgsql stable as $$
#variable_conflict use_column
begin
    return query
    with open_members as (
        select id, loyalty_email_key(email) as email_key, loyalty_phone_key(phone) as phone_key,
               loyalty_name_key(first_name) as first_key, loyalty_name_key(last_name) as last_key,
               birth_date, loyalty_address_key(postal_code, address_line1) as address_key
          from members
         where status <> 'closed'
    ), blocks as (
        select 'e:' || email_key as block, id from open_members where email_key is not null
        union all
        select 'p:' || phone_key, id from open_members where phone_key is not null
        union all
        select 'n:' || first_key || ' ' || last_key || ' ' || birth_date, id from open_members
         where birth_date is not null and first_key is not null and last_key is not null
        union all
        select 'a:' || address_key, id from open_members where address_key is not null
    ), usable as (
        select block, id from (select block, id, count(*) over (partition by block) as size from blocks) b
         where size between 2 and 20
    ), pairs as (
        select distinct a.id as first_id, b.id as second_id
          from usable a join usable b on a.block = b.block and a.id < b.id
         where p_member is null or p_member in (a.id, b.id)
    ), scored as (
        select p.first_id, p.second_id, signals.reasons,
               least(100, coalesce((select sum(points) from unnest(signals.points) points), 0))::int as score
          from pairs p
          join open_members a on a.id = p.first_id
          join open_members b on b.id = p.second_id
          cross join lateral (
              select array_remove(array[
                         case when a.email_key = b.email_key then 'email' end,
                         case when a.phone_key = b.phone_key then 'phone' end,
                         case when a.first_key = b.first_key and a.last_key = b.last_key then 'name'
                              when loyalty_similar_first_names(a.first_key, b.first_key)
                               and loyalty_edit_distance(a.last_key, b.last_key, 1) <= 1 then 'similar name' end,
                         case when a.birth_date = b.birth_date then 'birth date' end,
                         case when a.address_key = b.address_key then 'address' end], null) as reasons,
                     array_remove(array[
                         case when a.email_key = b.email_key then 60 end,
                         case when a.phone_key = b.phone_key then 40 end,
                         case when a.first_key = b.first_key and a.last_key = b.last_key then 30
                              when loyalty_similar_first_names(a.first_key, b.first_key)
                               and loyalty_edit_distance(a.last_key, b.last_key, 1) <= 1 then 20 end,
                         case when a.birth_date = b.birth_date then 30 end,
                         case when a.address_key = b.address_key then 30 end], null) as points
          ) signals
    )
    select scored.first_id, scored.second_id, scored.score, scored.reasons from scored
     where scored.score >= p_min_score
     order by scored.score desc, scored.first_id, scored.second_id
     limit p_limit;
end
$$;
