-- 0011 Interactions, follow-ups, the member overview, birthdays and anniversaries, the birthday bonus.
-- The tables are in 0010; rules in docs/interactions.md.
--
-- Invariants added here:
--   * A complaint or service request has an owner; other interactions have none (0010 left the owner
--     free). Resolving one stamps resolved_at, reopening it clears it (trigger).
--   * A follow-up that names an interaction names one of the same member.
--   * A follow-up that is done stays done: it is not changed any more.
--   * A birthday bonus is granted once per member and calendar year (0010's primary key), as one
--     'bonus' ledger entry.

-- Interactions ----------------------------------------------------------------------------------

alter table interactions
    add constraint interactions_owner_of_cases check ((owner is not null) = (status is not null)),
    -- The target of the follow-ups' foreign key below.
    add constraint interactions_id_member unique (id, member_id);

-- Resolving stamps the time, reopening clears it; every change moves updated_at.
create function interactions_stamp() returns trigger
language plpgsql as $$
begin
    if new.status = 'resolved' and old.status is distinct from 'resolved' then
        new.resolved_at := now();
    elsif new.status is distinct from 'resolved' then
        new.resolved_at := null;
    end if;
    new.updated_at := now();
    return new;
end
$$;

create trigger interactions_stamp before update on interactions
    for each row execute function interactions_stamp();

-- `interaction add`: one interaction of an open (active or suspended) member, audited with the fields
-- given, never their text. Complaints and service requests start open, owned by p_owner or the author.
create function loyalty_add_interaction(
    p_actor text, p_ref_kind text, p_ref_value text, p_kind text, p_channel text, p_summary text, p_body text,
    p_owner text, p_at timestamptz
) returns bigint
language plpgsql as $$
declare
    member members%rowtype;
    is_case boolean := p_kind in ('complaint', 'service-request');
    new_id bigint;
begin
    select * into member from members where id = loyalty_member_id(p_ref_kind, p_ref_value);
    if member.status = 'closed' then
        raise exception 'member % is closed', member.number using errcode = 'LY410';
    end if;
    if p_owner is not null and not is_case then
        raise exception 'only complaints and service requests have an owner' using errcode = 'LY400';
    end if;
    if p_at is not null and p_at > now() then
        raise exception 'the interaction''s time is in the future' using errcode = 'LY400';
    end if;
    insert into interactions (member_id, kind, channel, author, occurred_at, summary, body, status, owner)
    values (member.id, p_kind, p_channel, p_actor, coalesce(p_at, now()), p_summary, coalesce(p_body, ''),
            case when is_case then 'open' end, case when is_case then coalesce(p_owner, p_actor) end)
    returning id into new_id;
    insert into audit_log (actor, action, subject, details)
    values (p_actor, 'interaction.add', member.number,
            jsonb_build_object('interaction', new_id, 'kind', p_kind, 'channel', p_channel,
                               'fields', to_jsonb(array_remove(array['summary',
                                   case when coalesce(p_body, '') <> '' then 'body' end,
                                   case when p_owner is not null then 'owner' end,
                                   case when p_at is not null then 'occurred_at' end], null))));
    return new_id;
end
$$;

-- `interaction update`: a new status or owner for a complaint or service request, audited (the new
-- status, and which fields changed).
create function loyalty_update_interaction(p_actor text, p_id bigint, p_status text, p_owner text) returns void
language plpgsql as $$
declare
    rec interactions%rowtype;
    number text;
begin
    select * into rec from interactions where id = p_id for update;
    if rec.id is null then
        raise exception 'no interaction %', p_id using errcode = 'LY404';
    end if;
    if rec.status is null then
        raise exception 'interaction % is a %: only complaints and service requests have a status and an owner',
            p_id, rec.kind using errcode = 'LY400';
    end if;
    update interactions
       set status = coalesce(p_status, status), owner = coalesce(p_owner, owner)
     where id = p_id;
    select m.number into number from members m where m.id = rec.member_id;
    insert into audit_log (actor, action, subject, details)
    values (p_actor, 'interaction.update', number,
            jsonb_strip_nulls(jsonb_build_object(
                'interaction', p_id, 'status', p_status, 'previous_status', case when p_status is not null then rec.status end,
                'fields', to_jsonb(array_remove(array[case when p_status is not null then 'status' end,
                                                      case when p_owner is not null then 'owner' end], null)))));
end
$$;

-- Follow-ups ------------------------------------------------------------------------------------

alter table followups
    add constraint followups_interaction_member foreign key (interaction_id, member_id)
        references interactions (id, member_id);

-- A follow-up that is done is not changed any more (the merge of members may still move it).
create function followups_guard() returns trigger
language plpgsql as $$
begin
    if old.done_at is not null and (new.done_at is distinct from old.done_at or new.done_by is distinct from old.done_by
                                    or new.due_on <> old.due_on or new.owner <> old.owner or new.title <> old.title) then
        raise exception 'follow-up % is done', old.id using errcode = 'LY400';
    end if;
    return new;
end
$$;

create trigger followups_guard before update on followups
    for each row execute function followups_guard();

-- `followup add`: due on p_due, or p_due_days after today in the programme's time zone; never in the
-- past. The member must be open; an interaction named must be theirs. Audited.
create function loyalty_add_followup(
    p_actor text, p_ref_kind text, p_ref_value text, p_due date, p_due_days int, p_time_zone text, p_owner text,
    p_title text, p_interaction bigint
) returns bigint
language plpgsql as $$
declare
    member members%rowtype;
    today date := loyalty_local_date(p_time_zone);
    due date := coalesce(p_due, today + p_due_days);
    new_id bigint;
begin
    select * into member from members where id = loyalty_member_id(p_ref_kind, p_ref_value);
    if member.status = 'closed' then
        raise exception 'member % is closed', member.number using errcode = 'LY410';
    end if;
    if due is null or due < today then
        raise exception 'the due date % is in the past (today is %)', due, today using errcode = 'LY400';
    end if;
    if p_interaction is not null
       and not exists (select 1 from interactions where id = p_interaction and member_id = member.id) then
        raise exception 'interaction % is not one of this member''s', p_interaction using errcode = 'LY400';
    end if;
    insert into followups (member_id, interaction_id, due_on, owner, title, created_by)
    values (member.id, p_interaction, due, p_owner, p_title, p_actor)
    returning id into new_id;
    insert into audit_log (actor, action, subject, details)
    values (p_actor, 'followup.add', member.number,
            jsonb_strip_nulls(jsonb_build_object('followup', new_id, 'due_on', due, 'interaction', p_interaction,
                                                 'fields', jsonb_build_array('owner', 'title'))));
    return new_id;
end
$$;

-- `followup done`: stamps done_at and done_by once; a second time is refused. Audited.
create function loyalty_followup_done(p_actor text, p_id bigint) returns void
language plpgsql as $$
declare
    rec followups%rowtype;
begin
    select * into rec from followups where id = p_id for update;
    if rec.id is null then
        raise exception 'no follow-up %', p_id using errcode = 'LY404';
    end if;
    if rec.done_at is not null then
        raise exception 'follow-up % was done already (by % at %)', p_id, rec.done_by,
            to_char(rec.done_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') using errcode = 'LY400';
    end if;
    update followups set done_at = now(), done_by = p_actor where id = p_id;
    insert into audit_log (actor, action, subject, details)
    select p_actor, 'followup.done', m.number, jsonb_build_object('followup', p_id)
      from members m where m.id = rec.member_id;
end
$$;

-- The member overview -----------------------------------------------------------------------------

-- A time as the overview's JSON gives it: UTC, whole seconds (ISO 8601).
create function loyalty_json_time(p_at timestamptz) returns text
language sql immutable strict parallel safe as $$
    select to_char(p_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
$$;

-- What `member show` adds to the record, in one call: the last 5 purchases, the open complaints and
-- service requests, the open follow-ups due within 7 days (overdue ones flagged), and the interactions
-- counted by kind. Days are local to p_time_zone.
create function loyalty_member_overview(p_ref_kind text, p_ref_value text, p_time_zone text) returns jsonb
language plpgsql stable as $$
declare
    v_member bigint := loyalty_member_id(p_ref_kind, p_ref_value);
    today date := loyalty_local_date(p_time_zone);
begin
    return jsonb_build_object(
        'spendable', loyalty_spendable(v_member),
        'pending', loyalty_pending(v_member),
        'recent_purchases', coalesce((
            select jsonb_agg(jsonb_build_object(
                       'on', (p.purchased_at at time zone p_time_zone)::date, 'at', loyalty_json_time(p.purchased_at),
                       'store', p.store_code, 'receipt', p.receipt, 'amount_minor', p.amount_minor,
                       'currency', p.currency, 'kind', p.kind) order by p.purchased_at desc, p.id desc)
              from (select * from purchases where purchases.member_id = v_member
                     order by purchased_at desc, id desc limit 5) p), '[]'::jsonb),
        'open_cases', coalesce((
            select jsonb_agg(jsonb_build_object(
                       'id', i.id, 'kind', i.kind, 'status', i.status, 'owner', i.owner, 'at', loyalty_json_time(i.occurred_at),
                       'summary', i.summary) order by i.occurred_at, i.id)
              from interactions i
             where i.member_id = v_member and i.status in ('open', 'in-progress')), '[]'::jsonb),
        'due_followups', coalesce((
            select jsonb_agg(jsonb_build_object(
                       'id', f.id, 'due_on', f.due_on, 'owner', f.owner, 'title', f.title,
                       'interaction', f.interaction_id, 'overdue', f.due_on < today) order by f.due_on, f.id)
              from followups f
             where f.member_id = v_member and f.done_at is null and f.due_on <= today + 7), '[]'::jsonb),
        'interactions', jsonb_build_object(
            'total', (select count(*) from interactions i where i.member_id = v_member),
            'by_kind', coalesce((
                select jsonb_object_agg(kind, n) from (
                    select i.kind, count(*) as n from interactions i
                     where i.member_id = v_member group by i.kind) k), '{}'::jsonb),
            'last_at', (select loyalty_json_time(max(i.occurred_at)) from interactions i
                         where i.member_id = v_member)));
end
$$;

-- Birthdays and anniversaries ---------------------------------------------------------------------

create function loyalty_is_leap_year(p_year int) returns boolean
language sql immutable strict parallel safe as $$
    select p_year % 4 = 0 and (p_year % 100 <> 0 or p_year % 400 = 0)
$$;

-- A date's month and day as one number (29 February: 229), for the birthday index.
create function loyalty_month_day(p_date date) returns int
language sql immutable strict parallel safe as $$
    select (extract(month from p_date) * 100 + extract(day from p_date))::int
$$;

create index members_birthday on members (loyalty_month_day(birth_date)) where birth_date is not null;

-- The day p_date's anniversary falls on in p_year: 29 February falls on 28 February in other years.
create function loyalty_anniversary_in(p_date date, p_year int) returns date
language sql immutable strict parallel safe as $$
    select make_date(p_year, extract(month from p_date)::int,
                     case when loyalty_month_day(p_date) = 229 and not loyalty_is_leap_year(p_year) then 28
                          else extract(day from p_date)::int end)
$$;

-- The first anniversary of p_date (one year after it at the earliest) on or after p_from.
create function loyalty_next_anniversary(p_date date, p_from date) returns date
language sql immutable strict parallel safe as $$
    select case when first_try >= p_from then first_try else loyalty_anniversary_in(p_date, year + 1) end
      from (select greatest(extract(year from p_from)::int, extract(year from p_date)::int + 1) as year) y
      cross join lateral (select loyalty_anniversary_in(p_date, y.year) as first_try) a
$$;

-- The last anniversary of p_date on or before p_to (null when there is none yet).
create function loyalty_last_anniversary(p_date date, p_to date) returns date
language sql immutable strict parallel safe as $$
    select case when a.this_year <= p_to then a.this_year
                when y.year - 1 > extract(year from p_date)::int then loyalty_anniversary_in(p_date, y.year - 1) end
      from (select extract(year from p_to)::int as year) y
      cross join lateral (select case when y.year > extract(year from p_date)::int
                                      then loyalty_anniversary_in(p_date, y.year) end as this_year) a
$$;

-- The month-day numbers of the days from p_from to p_to (with 229 on 28 February of a common year), to
-- find birthdays by the index.
create function loyalty_month_days(p_from date, p_to date) returns int[]
language sql immutable strict parallel safe as $$
    select coalesce(array_agg(distinct k), '{}') from (
        select loyalty_month_day(d::date) as k from generate_series(p_from, p_to, interval '1 day') d
        union all
        select 229 from generate_series(p_from, p_to, interval '1 day') d
         where loyalty_month_day(d::date) = 228 and not loyalty_is_leap_year(extract(year from d)::int)
    ) keys
$$;

-- Members (not closed) whose birthday falls from p_today to p_today + p_days: the day and the age they turn.
create function loyalty_birthdays(p_today date, p_days int)
returns table (member_id bigint, on_date date, years int)
language sql stable as $$
    select m.id, b.on_date, (extract(year from b.on_date) - extract(year from m.birth_date))::int
      from members m
      cross join lateral (select loyalty_next_anniversary(m.birth_date, p_today) as on_date) b
     where m.birth_date is not null and m.status <> 'closed'
       and loyalty_month_day(m.birth_date) = any(loyalty_month_days(p_today, p_today + p_days))
       and b.on_date <= p_today + p_days
$$;

-- Members (not closed) whose enrolment anniversary (the day they joined, local to p_time_zone; one year
-- at least) falls from p_today to p_today + p_days, and the years.
create function loyalty_enrolment_anniversaries(p_today date, p_days int, p_time_zone text)
returns table (member_id bigint, on_date date, years int)
language sql stable as $$
    select m.id, a.on_date, (extract(year from a.on_date) - extract(year from j.joined))::int
      from members m
      cross join lateral (select (m.created_at at time zone p_time_zone)::date as joined) j
      cross join lateral (select loyalty_next_anniversary(j.joined, p_today) as on_date) a
     where m.status <> 'closed' and a.on_date <= p_today + p_days
$$;

-- The birthday bonus ---------------------------------------------------------------------------------

-- The birthday that a bonus is due for on p_today: the last one on or before p_today, if it fell within
-- the last p_catch_up days and not before the member joined (a job that did not run catches up; a
-- member who joins after their birthday waits for the next one).
create function loyalty_birthday_due(p_birth date, p_joined date, p_today date, p_catch_up int) returns date
language sql immutable parallel safe as $$
    select b from (select loyalty_last_anniversary(p_birth, p_today) as b) x
     where b >= p_today - p_catch_up and b >= p_joined
$$;

-- Active members with a birthday bonus due on p_today that they have not had for that year, in member
-- order after p_after (the job's keyset batches).
create function loyalty_birthday_bonus_candidates(p_today date, p_catch_up int, p_time_zone text, p_after bigint,
                                                  p_limit int)
returns table (member_id bigint, birthday date)
language sql stable as $$
    select m.id, d.birthday
      from members m
      cross join lateral (select loyalty_birthday_due(m.birth_date, (m.created_at at time zone p_time_zone)::date,
                                                      p_today, p_catch_up) as birthday) d
     where m.birth_date is not null and m.status = 'active' and m.id > p_after
       and loyalty_month_day(m.birth_date) = any(loyalty_month_days(p_today - p_catch_up, p_today))
       and d.birthday is not null
       and not exists (select 1 from birthday_bonuses x
                        where x.member_id = m.id and x.year = extract(year from d.birthday)::int)
     order by m.id
     limit p_limit
$$;

-- Grants one member's birthday bonus if it is still due: one 'bonus' entry (its lot dated by the
-- programme's rules, like a positive adjustment) and the birthday_bonuses row, under the member's row
-- lock so that concurrent runs wait and then find the bonus granted. Returns the entry, or null when
-- nothing was due. The primary key of birthday_bonuses makes a second bonus for a year impossible even
-- without the lock.
create function loyalty_grant_birthday_bonus(p_member bigint, p_today date, p_catch_up int, p_points bigint,
                                             p_rules jsonb, p_actor text)
returns bigint
language plpgsql as $$
declare
    member members%rowtype;
    birthday date;
    entry bigint;
begin
    if p_points is null or p_points <= 0 then
        raise exception 'the birthday bonus must be positive' using errcode = 'LY400';
    end if;
    select * into member from members where id = p_member for no key update;
    if member.status is distinct from 'active' then
        return null;
    end if;
    birthday := loyalty_birthday_due(member.birth_date, (member.created_at at time zone (p_rules->>'time_zone'))::date,
                                     p_today, p_catch_up);
    if birthday is null or exists (select 1 from birthday_bonuses
                                    where member_id = p_member and year = extract(year from birthday)::int) then
        return null;
    end if;
    begin
        insert into point_entries (member_id, kind, points, admin_actor, reason, expires_at)
        values (p_member, 'bonus', p_points, p_actor, 'birthday bonus ' || extract(year from birthday)::int,
                (select expires_at from loyalty_lot_dates(p_rules, false)))
        returning id into entry;
        insert into birthday_bonuses (member_id, year, entry_id) values (p_member, extract(year from birthday)::int, entry);
    exception when unique_violation then
        return null;
    end;
    return entry;
end
$$;
