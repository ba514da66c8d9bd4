-- Webhooks (issue 9, docs/events.md "Webhooks"): subscriptions to the outbox's events, delivered as
-- signed HTTP POSTs by `loyalty webhook run`, at least once, in order per member, retried with backoff,
-- and dead-lettered after repeated failures.
--
-- Each subscription reads the outbox as every reader does (0024: windows of finished transactions, a
-- position of transaction id and event id), copying what it takes into its delivery queue in the same
-- transaction that moves its position: an event is queued once, never skipped, and the queue keeps the
-- body even when the outbox is pruned before the endpoint comes back.
--
-- The signing secret is not stored: it is derived from the installation key and the subscription's
-- random salt, so a copy of the database alone cannot forge a signature.

create table webhooks (
    id bigint generated always as identity primary key,
    url text not null check (length(url) <= 2000 and url ~ '^https?://[^[:space:]]+$'),
    types text[] not null check (cardinality(types) between 1 and 64),
    secret_salt bytea not null check (length(secret_salt) = 16),
    status text not null default 'active' check (status in ('active', 'paused', 'removed')),
    position_xid xid8 not null,
    position_id bigint not null default 0,
    note text check (length(note) <= 500),
    created_by text not null check (length(created_by) between 1 and 100),
    created_at timestamptz not null default now()
);

create table webhook_deliveries (
    id bigint generated always as identity primary key,
    webhook_id bigint not null references webhooks (id),
    event_id bigint not null,  -- no foreign key: the outbox is pruned
    event_type text not null,
    member_id bigint,
    body text not null,
    status text not null default 'pending' check (status in ('pending', 'delivered', 'dead')),
    attempts int not null default 0 check (attempts >= 0),
    next_attempt_at timestamptz not null default now(),
    last_status int,
    last_error text,
    created_at timestamptz not null default now(),
    delivered_at timestamptz,
    unique (webhook_id, event_id)
);

create index webhook_deliveries_pending on webhook_deliveries (webhook_id, id) where status = 'pending';
create index webhook_deliveries_member on webhook_deliveries (webhook_id, member_id, id) where status = 'pending';
create index webhook_deliveries_status on webhook_deliveries (webhook_id, status, id);

-- The delivery log: one row per attempt, never changed; `jobs run events` removes it with its delivery
-- once the delivery is finished and older than the outbox's retention.
create table webhook_attempts (
    id bigint generated always as identity primary key,
    delivery_id bigint not null references webhook_deliveries (id),
    at timestamptz not null default now(),
    status_code int,
    error text check (length(error) <= 500),
    duration_ms int not null check (duration_ms >= 0)
);

create index webhook_attempts_delivery on webhook_attempts (delivery_id, id);

create trigger webhook_attempts_append_only before update on webhook_attempts
    for each row execute function refuse_change();

-- Administration ----------------------------------------------------------------------------------

-- A new subscription, reading from now on (the outbox's horizon). Audited.
create function loyalty_webhook_add(p_url text, p_types text[], p_salt bytea, p_note text, p_actor text)
returns bigint
language plpgsql as $$
declare
    new_id bigint;
begin
    insert into webhooks (url, types, secret_salt, position_xid, note, created_by)
    values (p_url, p_types, p_salt, pg_snapshot_xmin(pg_current_snapshot()), p_note, p_actor)
    returning id into new_id;
    insert into audit_log (actor, action, subject, details)
    -- Receiver URLs often carry a token in their path or query: the audit log, which is kept for ever,
    -- gets the origin and a hash of the whole URL only.
    values (p_actor, 'webhook.add', new_id::text,
            jsonb_strip_nulls(jsonb_build_object(
                'origin', substring(p_url from '^[a-z]+://[^/?#]+'), 'url_sha256', encode(sha256(convert_to(p_url, 'UTF8')), 'hex'),
                'events', to_jsonb(p_types), 'note', p_note)));
    return new_id;
end
$$;

-- Pauses, resumes or removes a subscription. Audited; LY404 for an unknown (or removed) one.
create function loyalty_webhook_set_status(p_webhook bigint, p_status text, p_actor text) returns void
language plpgsql as $$
declare
    before text;
begin
    select status into before from webhooks where id = p_webhook and status <> 'removed' for update;
    if not found then
        raise exception 'no webhook %', p_webhook using errcode = 'LY404';
    end if;
    update webhooks set status = p_status where id = p_webhook;
    if p_status = 'removed' then
        -- Nothing more goes to a removed subscription: its queue is dropped, its log kept for the prune.
        delete from webhook_attempts a using webhook_deliveries d
         where a.delivery_id = d.id and d.webhook_id = p_webhook and d.status = 'pending';
        delete from webhook_deliveries where webhook_id = p_webhook and status = 'pending';
    end if;
    insert into audit_log (actor, action, subject, details)
    values (p_actor, 'webhook.' || case p_status when 'active' then 'resume' when 'paused' then 'pause' else 'remove' end,
            p_webhook::text, jsonb_build_object('from', before, 'to', p_status));
end
$$;

-- Puts deliveries back in the queue for a new series of attempts: the given ones, or (p_deliveries null)
-- every dead one of the subscription. Returns how many. Audited.
create function loyalty_webhook_replay(p_webhook bigint, p_deliveries bigint[], p_actor text) returns bigint
language plpgsql as $$
declare
    n bigint;
begin
    if p_webhook is not null and not exists (select 1 from webhooks where id = p_webhook and status <> 'removed') then
        raise exception 'no webhook %', p_webhook using errcode = 'LY404';
    end if;
    if p_deliveries is not null and exists (
        select 1 from unnest(p_deliveries) d(id)
         where not exists (select 1 from webhook_deliveries x join webhooks w on w.id = x.webhook_id and w.status <> 'removed'
                            where x.id = d.id and (p_webhook is null or x.webhook_id = p_webhook))) then
        raise exception 'no such delivery among %', p_deliveries using errcode = 'LY404';
    end if;
    update webhook_deliveries d
       set status = 'pending', attempts = 0, next_attempt_at = now(), delivered_at = null
     where (p_deliveries is null and d.status = 'dead' and (p_webhook is null or d.webhook_id = p_webhook))
        or d.id = any (p_deliveries);
    get diagnostics n = row_count;
    insert into audit_log (actor, action, subject, details)
    values (p_actor, 'webhook.replay', p_webhook::text,
            jsonb_strip_nulls(jsonb_build_object('deliveries', to_jsonb(p_deliveries), 'replayed', n)));
    return n;
end
$$;

-- Sending ------------------------------------------------------------------------------------------

-- Copies up to p_limit new events of the subscription's types into its queue and moves its position
-- past them, in one transaction. Returns how many were queued; fewer than p_limit means it caught up.
create function loyalty_webhook_enqueue(p_webhook bigint, p_limit int) returns int
language plpgsql as $$
declare
    hook webhooks%rowtype;
    event record;
    queued int := 0;
    last_xid xid8;
    last_id bigint;
    horizon xid8;
begin
    select * into hook from webhooks where id = p_webhook and status = 'active' for update;
    if not found then
        return 0;
    end if;
    if loyalty_events_foreign() then
        raise exception 'the outbox comes from another cluster (a dump restored here): run loyalty events rebase'
            using errcode = 'LY503';
    end if;
    last_xid := hook.position_xid;
    last_id := hook.position_id;
    for event in select * from loyalty_events(hook.position_xid, hook.position_id, hook.types, null, p_limit) loop
        horizon := event.upto;
        continue when event.id is null;
        insert into webhook_deliveries (webhook_id, event_id, event_type, member_id, body)
        values (p_webhook, event.id, event.line::jsonb ->> 'type', event.member_id, event.line)
        on conflict do nothing;
        queued := queued + 1;
        last_xid := event.xid;
        last_id := event.id;
    end loop;
    -- A short read saw everything below the horizon: move there even when nothing matched.
    if queued < p_limit and horizon is not null and horizon > last_xid then
        last_xid := horizon;
        last_id := 0;
    end if;
    update webhooks set position_xid = last_xid, position_id = last_id where id = p_webhook;
    return queued;
end
$$;

-- Claims the deliveries to attempt now: pending, due, and each the oldest pending one of its member (a
-- member's later event waits for the earlier to be delivered or given up), oldest first. A claim is a
-- lease: the delivery is not due again for p_lease_seconds (longer than a request may take), so a second
-- sender never sends it meanwhile, and a sender that dies mid-request leaves it to be sent again after
-- the lease. Recording the attempt replaces the lease with the outcome.
create function loyalty_webhook_claim(p_webhook bigint, p_limit int, p_lease_seconds int)
returns table (id bigint, event_id bigint, body text, attempts int)
language sql as $$
    update webhook_deliveries d
       set next_attempt_at = now() + make_interval(secs => p_lease_seconds)
     where d.id in (
        select x.id from webhook_deliveries x
         where x.webhook_id = p_webhook and x.status = 'pending' and x.next_attempt_at <= now()
           and (x.member_id is null or not exists (
                   select 1 from webhook_deliveries p
                    where p.webhook_id = x.webhook_id and p.member_id = x.member_id and p.status = 'pending'
                      and p.id < x.id))
         order by x.id
         limit p_limit
         for update skip locked)
    returning d.id, d.event_id, d.body, d.attempts
$$;

-- Records one attempt: a 2xx delivers; anything else retries after p_backoff_seconds × 2^(attempts - 1)
-- (at most p_backoff_max_seconds), and the p_max_attempts-th failure makes the delivery dead.
create function loyalty_webhook_attempted(
    p_delivery bigint, p_status_code int, p_error text, p_duration_ms int,
    p_max_attempts int, p_backoff_seconds int, p_backoff_max_seconds int
) returns text
language plpgsql as $$
declare
    tries int;
    outcome text;
begin
    insert into webhook_attempts (delivery_id, status_code, error, duration_ms)
    values (p_delivery, p_status_code, left(p_error, 500), greatest(p_duration_ms, 0));
    update webhook_deliveries set attempts = attempts + 1, last_status = p_status_code, last_error = left(p_error, 500)
     where id = p_delivery and status = 'pending'
    returning attempts into tries;
    if tries is null then
        return 'gone';  -- replayed or finished meanwhile
    end if;
    if p_status_code between 200 and 299 then
        outcome := 'delivered';
        update webhook_deliveries set status = 'delivered', delivered_at = now() where id = p_delivery;
    elsif tries >= p_max_attempts then
        outcome := 'dead';
        update webhook_deliveries set status = 'dead' where id = p_delivery;
    else
        outcome := 'retry';
        update webhook_deliveries
           set next_attempt_at = now() + make_interval(secs => least(p_backoff_max_seconds::float8,
                                                                     p_backoff_seconds * 2 ^ least(tries - 1, 30)))
         where id = p_delivery;
    end if;
    return outcome;
end
$$;

-- Retention: finished deliveries (delivered or dead) created more than p_days ago, with their attempts.
-- Pending ones stay whatever their age. Returns how many deliveries went.
create function loyalty_webhook_prune(p_days int) returns bigint
language plpgsql as $$
declare
    n bigint;
begin
    with old as (
        select d.id from webhook_deliveries d join webhooks w on w.id = d.webhook_id
         where (d.status in ('delivered', 'dead') or w.status = 'removed')
           and d.created_at < now() - make_interval(days => p_days)
    ), attempts as (
        delete from webhook_attempts a using old where a.delivery_id = old.id
    )
    delete from webhook_deliveries d using old where d.id = old.id;
    get diagnostics n = row_count;
    return n;
end
$$;

-- The outbox's retention keeps what a subscription that is not removed has still to read (0024).
create or replace function loyalty_event_unread(p_xid xid8, p_id bigint) returns boolean
language sql stable as $$
    select exists (select 1 from webhooks w
                    where w.status <> 'removed' and (p_xid, p_id) > (w.position_xid, w.position_id))
$$;

-- After a pg_dump restored into a new cluster (docs/events.md "Restoring a backup into a new cluster"):
-- whether the outbox's transaction ids belong to another cluster, being at or above this one's next id.
create function loyalty_events_foreign() returns boolean
language sql stable as $$
    select coalesce((select max(xid) from events), '0'::xid8) >= pg_snapshot_xmax(pg_current_snapshot())
        or exists (select 1 from webhooks where position_xid > pg_snapshot_xmax(pg_current_snapshot()))
$$;

-- Makes a restored outbox readable in this cluster: every subscription first queues what it had still to
-- read (in the old cluster's order; every old transaction has finished), then every restored event counts
-- as an old, finished transaction's and every position is set past them. Refuses (LY409) when the outbox
-- is this cluster's own. Returns the deliveries queued. Audited.
create function loyalty_events_rebase(p_actor text) returns bigint
language plpgsql as $$
declare
    queued bigint := 0;
    n bigint;
    hook record;
begin
    if not loyalty_events_foreign() then
        raise exception 'the outbox''s transaction ids are this cluster''s: nothing to rebase' using errcode = 'LY400';
    end if;
    lock table events in exclusive mode;
    for hook in select * from webhooks where status <> 'removed' for update loop
        insert into webhook_deliveries (webhook_id, event_id, event_type, member_id, body)
        select hook.id, e.id, e.type, e.member_id, loyalty_event_line(e, m.number)
          from events e left join members m on m.id = e.member_id
         where (e.xid, e.id) > (hook.position_xid, hook.position_id) and loyalty_event_matches(e.type, hook.types)
         order by e.xid, e.id
        on conflict do nothing;
        get diagnostics n = row_count;
        queued := queued + n;
    end loop;
    alter table events disable trigger events_append_only;
    update events set xid = '1';
    alter table events enable trigger events_append_only;
    update webhooks set position_xid = '2', position_id = 0;
    insert into audit_log (actor, action, details) values (p_actor, 'events.rebase', jsonb_build_object('queued', queued));
    return queued;
end
$$;
