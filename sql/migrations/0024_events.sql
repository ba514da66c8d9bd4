-- The event outbox (issue 9, docs/events.md): every business event is written to `events` by a trigger
-- on the row that records it, so it commits or rolls back with the change that caused it, whichever
-- function, import or admin statement made that change.
--
-- Readers (`loyalty events tail`, later the webhook sender) must not skip an event whose transaction
-- commits after a later one's. Each event therefore records its transaction id, and a reader takes events
-- in windows of transaction ids that are all finished: [the previous window's end, the current snapshot's
-- xmin). Every transaction below a snapshot's xmin has committed or rolled back, so a window, once read,
-- never gains an event. A long transaction holds the windows back (its events, and later ones, wait for
-- it); it never makes a reader miss one.
--
-- The identity sequence is no hot row: nextval takes no lock a till waits for.

create table events (
    id bigint generated always as identity primary key,
    type text not null check (type ~ '^[a-z_]+\.[a-z_]+$'),
    member_id bigint,
    gift_card_id bigint,
    data jsonb not null,
    occurred_at timestamptz not null default now(),
    xid xid8 not null default pg_current_xact_id()
);

-- The readers' window scan.
create index events_xid on events (xid, id);
create index events_member on events (member_id, id) where member_id is not null;

create trigger events_append_only before update on events
    for each row execute function refuse_change();

comment on table events is 'The outbox: one row per business event, written in the transaction that caused it (docs/events.md).';

-- The event type of a ledger entry or gift-card activity kind. A kind added later without its mapping
-- is told as `points.other` or `gift_card.other` (the kind is in the event's data): an unmapped kind must
-- never make the till's transaction fail on the outbox's check.
create function loyalty_event_type(p_subject text, p_kind text) returns text
language sql immutable parallel safe as $$
    select p_subject || '.' || coalesce(case p_subject
        when 'points' then case p_kind
            when 'earn' then 'earned' when 'redeem' then 'redeemed' when 'reverse' then 'reversed'
            when 'expire' then 'expired' when 'adjust' then 'adjusted' when 'bonus' then 'awarded'
            when 'merge' then 'merged' when 'transfer' then 'transferred' end  -- transfer: 0025
        when 'gift_card' then case p_kind
            when 'activate' then 'activated' when 'load' then 'loaded' when 'redeem' then 'redeemed'
            when 'refund' then 'refunded' when 'adjust' then 'adjusted' when 'block' then 'blocked'
            when 'unblock' then 'unblocked' when 'close' then 'closed' when 'expire' then 'expired'
            when 'hold' then 'held' when 'capture' then 'captured' when 'release' then 'released' end
        end, 'other')
$$;

-- Points -------------------------------------------------------------------------------------------

create function loyalty_event_point_entry() returns trigger
language plpgsql as $$
begin
    insert into events (type, member_id, data)
    values (loyalty_event_type('points', new.kind), new.member_id,
            jsonb_strip_nulls(jsonb_build_object(
                'kind', new.kind, 'entry', new.id, 'points', new.points, 'balance', new.balance_after,
                'terminal', (select t.name from terminals t where t.id = new.terminal_id),
                'request', new.request_id, 'actor', new.admin_actor, 'receipt', new.receipt,
                'reason', new.reason, 'reverses', new.reverses_entry_id,
                'available_at', new.available_at, 'expires_at', new.expires_at)));
    return null;
end
$$;

create trigger point_entries_event after insert on point_entries
    for each row execute function loyalty_event_point_entry();

-- Members ------------------------------------------------------------------------------------------

create function loyalty_event_member() returns trigger
language plpgsql as $$
declare
    changed text[];
begin
    if tg_op = 'INSERT' then
        insert into events (type, member_id, data)
        values ('member.enrolled', new.id, jsonb_strip_nulls(jsonb_build_object(
                    'status', new.status, 'source_channel', new.source_channel,
                    'terminal', (select t.name from terminals t where t.id = new.enrolled_by_terminal))));
        return null;
    end if;
    if new.merged_into is not null then
        return null;  -- a merged record's changes (its closing, its copy's erasure) are the merge's; member_merges' trigger tells
    end if;
    if new.erased_at is not null and old.erased_at is null then
        insert into events (type, member_id, data) values ('member.erased', new.id, '{}');
        return null;
    end if;
    -- The names of the fields that changed, never their values: the outbox holds no personal data, so an
    -- erasure has nothing to scrub here.
    select array_agg(n.key order by n.key) into changed
      from jsonb_each(to_jsonb(new)) n
     where n.key not in ('updated_at') and n.value is distinct from to_jsonb(old) -> n.key;
    if changed is not null then
        insert into events (type, member_id, data)
        values ('member.updated', new.id, jsonb_build_object('changed', to_jsonb(changed), 'status', new.status));
    end if;
    return null;
end
$$;

create trigger members_event after insert or update on members
    for each row execute function loyalty_event_member();

create function loyalty_event_member_merge() returns trigger
language plpgsql as $$
begin
    insert into events (type, member_id, data)
    values ('member.merged', new.kept_id, jsonb_build_object(
                'merged', (select m.number from members m where m.id = new.merged_id),
                'kept', (select m.number from members m where m.id = new.kept_id),
                'actor', new.actor));
    return null;
end
$$;

create trigger member_merges_event after insert on member_merges
    for each row execute function loyalty_event_member_merge();

-- Tiers, rewards, vouchers ------------------------------------------------------------------------

create function loyalty_event_tier_change() returns trigger
language plpgsql as $$
begin
    insert into events (type, member_id, data)
    values ('tier.changed', new.member_id, jsonb_strip_nulls(jsonb_build_object(
                'from', (select t.code from tiers t where t.id = new.from_tier_id),
                'to', (select t.code from tiers t where t.id = new.to_tier_id),
                'reason', new.reason, 'entry', new.entry_id, 'actor', new.actor)));
    return null;
end
$$;

create trigger tier_changes_event after insert on tier_changes
    for each row execute function loyalty_event_tier_change();

create function loyalty_event_reward_claim() returns trigger
language plpgsql as $$
begin
    insert into events (type, member_id, data)
    values ('reward.claimed', new.member_id, jsonb_strip_nulls(jsonb_build_object(
                'reward', (select r.code from rewards r where r.id = new.reward_id),
                'points', new.points, 'entry', new.entry_id,
                'terminal', (select t.name from terminals t where t.id = new.terminal_id),
                'request', new.request_id, 'actor', new.admin_actor)));
    return null;
end
$$;

create trigger reward_claims_event after insert on reward_claims
    for each row execute function loyalty_event_reward_claim();

create function loyalty_event_voucher_use() returns trigger
language plpgsql as $$
begin
    insert into events (type, member_id, data)
    select 'voucher.used', v.member_id, jsonb_strip_nulls(jsonb_build_object(
               'voucher', v.id, 'reward', (select r.code from rewards r where r.id = v.reward_id),
               'terminal', (select t.name from terminals t where t.id = new.terminal_id),
               'request', new.request_id, 'store', new.store_code, 'receipt', new.receipt))
      from vouchers v where v.id = new.voucher_id;
    return null;
end
$$;

create trigger voucher_uses_event after insert on voucher_uses
    for each row execute function loyalty_event_voucher_use();

-- Gift cards ---------------------------------------------------------------------------------------

create function loyalty_event_gift_card_activity() returns trigger
language plpgsql as $$
begin
    -- The card by its last four characters and id, never its code.
    insert into events (type, member_id, gift_card_id, data)
    select loyalty_event_type('gift_card', new.kind),
           c.member_id, c.id,
           jsonb_strip_nulls(jsonb_build_object(
               'kind', new.kind, 'activity', new.id, 'card', c.code_last4, 'currency', c.currency, 'amount', new.amount,
               'balance', new.balance_after, 'held', new.held_after, 'hold', new.hold_id,
               'terminal', (select t.name from terminals t where t.id = new.terminal_id),
               'request', new.request_id, 'store', new.store_code, 'actor', new.actor,
               'receipt', new.receipt, 'reason', new.reason))
      from gift_cards c where c.id = new.card_id;
    return null;
end
$$;

create trigger gift_card_activities_event after insert on gift_card_activities
    for each row execute function loyalty_event_gift_card_activity();

-- Events a job finds (`jobs run events`) ------------------------------------------------------------

-- What is told once: points about to expire, per member and day of the first expiry; a lapse, per member
-- and last purchase day (a member who buys again and lapses again is told again).
create table event_notices (
    member_id bigint not null,
    kind text not null check (kind in ('points.expiring', 'member.lapsed')),
    on_day date not null,
    primary key (member_id, kind, on_day)
);

-- Whether a reader that keeps its position in the database (a webhook subscription, 0026, which
-- replaces this) has still to read the event at (p_xid, p_id).
create function loyalty_event_unread(p_xid xid8, p_id bigint) returns boolean
language sql stable as $$
    select false
$$;

-- Writes the events no single change causes: members whose points expire within p_notice_days (once per
-- first-expiry day), and active members who have lapsed by the tracker's rule on p_today (once per last
-- purchase day). The retention is loyalty_event_prune's, in transactions of their own.
create function loyalty_event_job(p_rules jsonb, p_lapse jsonb, p_today date, p_notice_days int)
returns table (expiring bigint, lapsed bigint)
language plpgsql as $$
declare
    n_expiring bigint;
    n_lapsed bigint;
begin
    with due as (
        select x.member_id, x.points, x.first_expiry,
               (x.first_expiry at time zone (p_rules->>'time_zone'))::date as day
          from loyalty_points_expiring(p_rules, make_interval(days => p_notice_days)) x
    ), fresh as (
        insert into event_notices (member_id, kind, on_day)
        select member_id, 'points.expiring', day from due
        on conflict do nothing
        returning member_id, on_day
    )
    insert into events (type, member_id, data)
    select 'points.expiring', d.member_id, jsonb_build_object('points', d.points, 'expires_at', d.first_expiry)
      from fresh f join due d on d.member_id = f.member_id and d.day = f.on_day;
    get diagnostics n_expiring = row_count;

    with fresh as (
        insert into event_notices (member_id, kind, on_day)
        select x.member_id, 'member.lapsed', x.last_purchase_on
          from member_purchase_metrics x
          join members m on m.id = x.member_id and m.status = 'active'
         where loyalty_lapse_state(x.last_purchase_on, x.median_gap_days, p_today, p_lapse) = 'lapsed'
        on conflict do nothing
        returning member_id, on_day
    )
    insert into events (type, member_id, data)
    select 'member.lapsed', f.member_id, jsonb_build_object('last_purchase_on', f.on_day, 'days_since', p_today - f.on_day)
      from fresh f;
    get diagnostics n_lapsed = row_count;

    delete from event_notices n where n.kind = 'points.expiring' and n.on_day < p_today;

    return query select n_expiring, n_lapsed;
end
$$;

-- Removes up to p_batch events older than p_days, oldest id first, but for what a webhook subscription
-- (0026), paused or not, has still to read; returns how many. Ids follow time closely enough: what lies
-- before the first event inside the retention period goes. In small transactions, called until it
-- returns less than p_batch, so that a large backlog never holds the readers' horizon for long.
create function loyalty_event_prune(p_days int, p_batch int) returns bigint
language plpgsql as $$
declare
    first_kept bigint;
    n bigint;
begin
    select e.id into first_kept from events e
     where e.occurred_at >= now() - make_interval(days => p_days) order by e.id limit 1;
    delete from events e
     where e.id in (select x.id from events x
                     where x.id < coalesce(first_kept, (select max(id) + 1 from events))
                       and not loyalty_event_unread(x.xid, x.id)
                     order by x.id
                     limit p_batch);
    get diagnostics n = row_count;
    return n;
end
$$;

-- Reading ------------------------------------------------------------------------------------------

-- Where a reader stands is the (transaction id, event id) of the last event it took: every later event
-- sorts after it, since an event written later belongs to a transaction still running when that one was
-- read, whose id is at or above that read's xmin.

-- The position just after event p_event (`tail --since`), or null when there is no such event or it is
-- not yet below the horizon (an id read from the table, not from the stream: resuming there would pass
-- over the events of older transactions still running).
create function loyalty_event_position(p_event bigint) returns xid8
language sql stable as $$
    select xid from events where id = p_event and xid < pg_snapshot_xmin(pg_current_snapshot())
$$;

-- The position of "now": after every event of a finished transaction.
create function loyalty_event_horizon() returns xid8
language sql stable as $$
    select pg_snapshot_xmin(pg_current_snapshot())
$$;

-- An event as its readers get it: one JSON object with a fixed key order, `member` the member's number.
create function loyalty_event_line(p_event events, p_member_number text) returns text
language sql stable as $$
    select '{"id":' || p_event.id || ',"type":' || to_json(p_event.type)
           || ',"occurred_at":"' || to_char(p_event.occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
           || '","member":' || coalesce(to_json(p_member_number)::text, 'null') || ',"data":' || p_event.data::text || '}'
$$;

-- Whether an event type passes a reader's filter: exact types or prefixes ending in a dot (`points.`);
-- no filter passes everything.
create function loyalty_event_matches(p_type text, p_types text[]) returns boolean
language sql immutable as $$
    select p_types is null or p_type = any (p_types)
           or exists (select 1 from unnest(p_types) t where right(t, 1) = '.' and starts_with(p_type, t))
$$;

-- Up to p_limit events after the position (p_xid, p_id) whose transactions have all finished, in
-- position order, as JSON lines, each with `upto`, the horizon they were read below (one row of nulls
-- but `upto` when there is none). When fewer than p_limit
-- come back, the reader has seen everything below `upto` and may move to (upto, 0) even when its filters
-- matched nothing. p_types are exact types or prefixes ending in a dot (`points.`); p_member one member.
create function loyalty_events(p_xid xid8, p_id bigint, p_types text[], p_member bigint, p_limit int)
returns table (id bigint, xid xid8, member_id bigint, line text, upto xid8)
language sql stable as $$
    with horizon as (select pg_snapshot_xmin(pg_current_snapshot()) as upto)
    select e.id, e.xid, e.member_id, e.line, h.upto
      from horizon h
      left join lateral (
          select e.id, e.xid, e.member_id, loyalty_event_line(e, m.number) as line
            from events e
            left join members m on m.id = e.member_id
           where (e.xid, e.id) > (p_xid, p_id) and e.xid < h.upto
             and (p_member is null or e.member_id = p_member)
             and loyalty_event_matches(e.type, p_types)
           order by e.xid, e.id
           limit p_limit
      ) e on true
$$;
