-- 0010 CRM records: the tables of the customer-club side of members. Interactions and follow-ups,
-- acquisition sources and campaigns (with their send lists), consent history, merged and erased members,
-- birthday bonuses. The functions that work on them come in the migrations after this one.
--
-- Invariants here:
--   * A complaint or service request has a status (open, in-progress, resolved); other interactions have
--     none. A resolved one says when.
--   * A campaign's send list is recorded once: every member is either contacted (with the time) or in the
--     holdout (never contacted); the list is append-only.
--   * Consent history is append-only; every change of members.email_consent or sms_consent writes a row
--     (trigger below), so the history cannot fall behind the record.
--   * A merged member is closed and names the member it was merged into; an erased member is closed.

-- Interactions ----------------------------------------------------------------------------------

create table interactions (
    id           bigint generated always as identity primary key,
    member_id    bigint not null references members (id),
    kind         text not null check (kind in ('note', 'call', 'email', 'visit', 'complaint', 'service-request')),
    -- How the contact happened.
    channel      text not null check (channel in ('phone', 'email', 'sms', 'store', 'web', 'chat', 'social', 'mail', 'other')),
    author       text not null check (length(author) between 1 and 100),
    occurred_at  timestamptz not null default now(),
    summary      text not null check (length(summary) between 1 and 200),
    body         text not null default '' check (length(body) <= 10000),
    -- Complaints and service requests only.
    status       text check (status in ('open', 'in-progress', 'resolved')),
    owner        text check (length(owner) between 1 and 100),
    resolved_at  timestamptz,
    created_at   timestamptz not null default now(),
    updated_at   timestamptz not null default now(),
    check ((kind in ('complaint', 'service-request')) = (status is not null)),
    check ((status = 'resolved') = (resolved_at is not null))
);
create index interactions_member on interactions (member_id, occurred_at desc);
create index interactions_unresolved on interactions (owner, occurred_at) where status in ('open', 'in-progress');

-- Follow-ups ------------------------------------------------------------------------------------

create table followups (
    id              bigint generated always as identity primary key,
    member_id       bigint not null references members (id),
    -- The interaction it follows up, if any.
    interaction_id  bigint references interactions (id),
    -- A local date in the programme's time zone.
    due_on          date not null,
    owner           text not null check (length(owner) between 1 and 100),
    title           text not null check (length(title) between 1 and 200),
    created_by      text not null check (length(created_by) between 1 and 100),
    created_at      timestamptz not null default now(),
    done_at         timestamptz,
    done_by         text check (length(done_by) between 1 and 100),
    check ((done_at is null) = (done_by is null))
);
create index followups_open_due on followups (due_on, owner) where done_at is null;
create index followups_member on followups (member_id, due_on);

-- Acquisition sources ---------------------------------------------------------------------------

-- Where members come from (a partner, an advert, a store opening): a record with a channel, dates and
-- what it cost, so that the sources report can say what a member cost and what they brought.
create table acquisition_sources (
    id          bigint generated always as identity primary key,
    code        text not null unique check (code ~ '^[a-z0-9][a-z0-9_-]{0,63}$'),
    name        text not null check (length(name) between 1 and 100),
    channel     text not null check (channel ~ '^[a-z0-9][a-z0-9_-]{0,31}$'),
    starts_on   date,
    ends_on     date,
    cost_minor  bigint not null default 0 check (cost_minor >= 0),
    currency    text not null check (currency ~ '^[A-Z]{3}$'),
    created_at  timestamptz not null default now(),
    updated_at  timestamptz not null default now(),
    check (ends_on is null or starts_on is null or ends_on >= starts_on)
);

alter table members add column source_id bigint references acquisition_sources (id);
create index members_source on members (source_id) where source_id is not null;

-- Campaigns -------------------------------------------------------------------------------------

create table campaigns (
    id                bigint generated always as identity primary key,
    code              text not null unique check (code ~ '^[a-z0-9][a-z0-9_-]{0,63}$'),
    name              text not null check (length(name) between 1 and 100),
    -- The channel the campaign contacts members by; only members who consented to it are contacted.
    channel           text not null check (channel in ('email', 'sms')),
    -- The segment it was sent to: its name and its filter as it was at the send.
    segment_name      text,
    segment_filter    jsonb check (jsonb_typeof(segment_filter) = 'object'),
    starts_on         date not null,
    ends_on           date,
    cost_minor        bigint not null default 0 check (cost_minor >= 0),
    currency          text not null check (currency ~ '^[A-Z]{3}$'),
    -- Share of the segment deliberately not contacted, to measure the uplift against.
    holdout_percent   int not null default 10 check (holdout_percent between 0 and 90),
    -- Purchases this many days after the contact count for the campaign.
    attribution_days  int not null default 30 check (attribution_days between 1 and 365),
    -- A bonus promotion for the contacted members (the win-back offer).
    promotion_id      bigint references promotions (id),
    created_by        text not null check (length(created_by) between 1 and 100),
    created_at        timestamptz not null default now(),
    sent_at           timestamptz,
    sent_by           text check (length(sent_by) between 1 and 100),
    check (ends_on is null or ends_on >= starts_on),
    check ((sent_at is null) = (sent_by is null)),
    check ((sent_at is null) or segment_filter is not null)
);

-- The send list: who was contacted (and when) and who was held out.
create table campaign_members (
    campaign_id   bigint not null references campaigns (id),
    member_id     bigint not null references members (id),
    arm           text not null check (arm in ('contacted', 'holdout')),
    contacted_at  timestamptz,
    -- The address used, so that the list that was sent can be shown later even if the member changes it.
    address       text check (length(address) <= 254),
    primary key (campaign_id, member_id),
    check ((arm = 'contacted') = (contacted_at is not null))
);
create index campaign_members_member on campaign_members (member_id);

create trigger campaign_members_no_truncate before truncate on campaign_members
    for each statement execute function refuse_change();

-- Consent history -------------------------------------------------------------------------------

create table consent_events (
    id          bigint generated always as identity primary key,
    member_id   bigint not null references members (id),
    channel     text not null check (channel in ('email', 'sms')),
    granted     boolean not null,
    at          timestamptz not null default now(),
    -- How the consent was given or withdrawn: at a till, by an administrator, in an import, by a merge,
    -- by an erasure, or recorded when history began (migration).
    source      text not null check (source in ('till', 'admin', 'import', 'merge', 'erasure', 'migration')),
    -- The terminal or the administrator.
    actor       text check (length(actor) <= 100)
);
create index consent_events_member on consent_events (member_id, at, id);

create trigger consent_events_append_only before update or delete on consent_events
    for each row execute function refuse_change();
create trigger consent_events_no_truncate before truncate on consent_events
    for each statement execute function refuse_change();

-- Who changed consent is said by the statement that changes it, through two transaction-local settings
-- (`set_config('loyalty.consent_source', 'till', true)`, and `loyalty.consent_actor`); without them the
-- change is an administrator's.
create function members_record_consent() returns trigger
language plpgsql as $$
declare
    v_source text := coalesce(nullif(current_setting('loyalty.consent_source', true), ''),
                              case when tg_op = 'INSERT' and new.enrolled_by_terminal is not null then 'till' else 'admin' end);
    v_actor text := nullif(current_setting('loyalty.consent_actor', true), '');
begin
    if tg_op = 'INSERT' then
        if new.email_consent then
            insert into consent_events (member_id, channel, granted, at, source, actor)
            values (new.id, 'email', true, coalesce(new.email_consent_at, now()), v_source, v_actor);
        end if;
        if new.sms_consent then
            insert into consent_events (member_id, channel, granted, at, source, actor)
            values (new.id, 'sms', true, coalesce(new.sms_consent_at, now()), v_source, v_actor);
        end if;
        return null;
    end if;
    if new.email_consent is distinct from old.email_consent then
        insert into consent_events (member_id, channel, granted, source, actor)
        values (new.id, 'email', new.email_consent, v_source, v_actor);
    end if;
    if new.sms_consent is distinct from old.sms_consent then
        insert into consent_events (member_id, channel, granted, source, actor)
        values (new.id, 'sms', new.sms_consent, v_source, v_actor);
    end if;
    return null;
end
$$;

create trigger members_record_consent after insert or update of email_consent, sms_consent on members
    for each row execute function members_record_consent();

-- History begins with the consent members hold now.
insert into consent_events (member_id, channel, granted, at, source)
select id, 'email', true, coalesce(email_consent_at, created_at), 'migration' from members where email_consent;
insert into consent_events (member_id, channel, granted, at, source)
select id, 'sms', true, coalesce(sms_consent_at, created_at), 'migration' from members where sms_consent;

-- Merged and erased members ---------------------------------------------------------------------

alter table members
    -- The member this one was merged into: its number keeps resolving to that member.
    add column merged_into bigint references members (id),
    add column merged_at timestamptz,
    -- Personal data removed; the record stays, anonymous, for the ledger and the figures.
    add column erased_at timestamptz,
    add constraint members_merged check ((merged_into is null) = (merged_at is null)
                                         and (merged_into is null or (status = 'closed' and merged_into <> id))),
    add constraint members_erased check (erased_at is null or status = 'closed');
create index members_merged_into on members (merged_into) where merged_into is not null;
-- The retention job's candidates: closed and not yet erased.
create index members_closed_unerased on members (closed_at) where status = 'closed' and erased_at is null;

-- Birthday bonuses ------------------------------------------------------------------------------

-- Once a year per member: the primary key makes a second bonus for the same year impossible.
create table birthday_bonuses (
    member_id  bigint not null references members (id),
    year       int not null check (year between 2000 and 9999),
    entry_id   bigint not null references point_entries (id),
    granted_at timestamptz not null default now(),
    primary key (member_id, year)
);

create trigger birthday_bonuses_append_only before update or delete on birthday_bonuses
    for each row execute function refuse_change();

-- Ledger kinds for what this issue adds: a bonus granted by a job (birthday) and the two sides of a merge.
alter table point_entries
    drop constraint point_entries_kind_check,
    add constraint point_entries_kind_check
        check (kind in ('earn', 'redeem', 'adjust', 'reverse', 'expire', 'bonus', 'merge')),
    drop constraint point_entries_points_by_kind,
    add constraint point_entries_points_by_kind check (case kind
        when 'earn' then points >= 0
        when 'redeem' then points < 0
        when 'reverse' then points <= 0 and reverses_entry_id is not null
        when 'adjust' then points <> 0 and reason is not null and length(reason) > 0
        when 'expire' then points < 0 and reason is not null
        when 'bonus' then points > 0 and reason is not null and length(reason) > 0
        when 'merge' then points <> 0 and reason is not null and length(reason) > 0
    end);
