-- 0025 Point transfers between members (issue 9, docs/programme.md §10): an administrator moves spendable
-- points from one active member to another, within the programme's limits, as a pair of ledger entries in
-- one transaction, with an audit record.
--
-- The ledger stays append-only and the lots stay the one account of what a member may spend:
--   * a transfer is one row of point_transfers (who, to whom, how many, by whom, why, the request id) and
--     its `transfer` entries, each naming that row: one negative entry on the sender and one positive
--     entry on the receiver per expiry date of the points taken;
--   * the sender's entry consumes spendable lots only (available, not expired), the soonest to expire
--     first, exactly as a redemption does: the ledger trigger enforces it (point_entries_allocate below);
--   * a transfer never extends the points' life: the receiver's points keep the expiry date of the lots
--     they came from (never-expiring points stay never-expiring), and under the inactivity policy they
--     expire no later than the day the sender's balance would have expired for inactivity. They are
--     spendable at once (only spendable points are sent). A transfer is not activity for the inactivity
--     policy, for either member (0004: only earns and redemptions are);
--   * transferred points do not qualify for tiers (a transfer writes no point_entry_items, and only `base`
--     items qualify) and cannot be reversed as an earn (loyalty_reverse takes back `earn` entries only);
--   * both accounts are locked in member-id order, so that two opposite transfers cannot deadlock.
--
-- Limits are programme settings (ProgrammeRules.transfers, docs/operations.md §18) and travel in p_rules
-- like the others; keys added to 0004's list:
--   transfer_min         bigint  fewest points one transfer may move
--   transfer_max         bigint  most points one transfer may move
--   transfer_window_max  bigint  most points a member may send in any rolling 30 days (the records merged
--                                into the member included, so that a merge does not reopen the allowance)
--
-- Refusals (raised; an administrator's call writes nothing when refused), in the order they are checked:
--   LY400 points not positive, a note too long
--   LY404 no such member
--   LY428 the request id was already used for a different transfer (a retry of the same one replays here)
--   LY400 below the minimum or above the maximum per transfer, the same member on both sides
--   LY410 a member is not active (suspended, closed, merged)
--   LY429 the sender's rolling 30-day allowance would be exceeded
--   LY402 not enough spendable points (pending and expired points are not transferable)

-- Transfers ---------------------------------------------------------------------------------------

create table point_transfers (
    id              bigint generated always as identity primary key,
    from_member_id  bigint not null references members (id),
    to_member_id    bigint not null references members (id),
    points          bigint not null check (points > 0),
    note            text check (length(note) between 1 and 200),
    actor           text not null check (length(actor) between 1 and 100),
    -- `points transfer --request-id`: a retry with the same id and the same transfer gets the stored
    -- outcome back and moves nothing again. The fingerprint is SHA-256 of what the transfer means
    -- (members, points, note), to tell a retry from another transfer under the same id.
    request_id      text unique check (length(request_id) between 1 and 64),
    fingerprint     bytea check (length(fingerprint) = 32),
    at              timestamptz not null default now(),
    check (from_member_id <> to_member_id),
    check ((request_id is null) = (fingerprint is null))
);
-- The rolling 30-day allowance sums a sender's transfers by time; a member's received transfers.
create index point_transfers_sent on point_transfers (from_member_id, at);
create index point_transfers_received on point_transfers (to_member_id, at);

create trigger point_transfers_append_only before update or delete on point_transfers
    for each row execute function refuse_change();
create trigger point_transfers_no_truncate before truncate on point_transfers
    for each statement execute function refuse_change();

-- The ledger kind. 0010's points_by_kind CHECK is left as it is (it accepts a kind it does not list); a
-- transfer's rule is its own constraint: non-zero points, an administrator, a reason, and its transfer.
alter table point_entries
    add column transfer_id bigint references point_transfers (id),
    drop constraint point_entries_kind_check,
    add constraint point_entries_kind_check
        check (kind in ('earn', 'redeem', 'adjust', 'reverse', 'expire', 'bonus', 'merge', 'transfer')),
    add constraint point_entries_transfer check (
        (kind = 'transfer') = (transfer_id is not null)
        and (kind <> 'transfer' or (points <> 0 and admin_actor is not null and reason is not null and length(reason) > 0)));
create index point_entries_transfer on point_entries (transfer_id) where transfer_id is not null;

-- 0004's allocation, with the sender's side of a transfer restricted to spendable lots like a redemption.
-- Unchanged otherwise.
create or replace function point_entries_allocate() returns trigger
language plpgsql as $$
declare
    due bigint := -new.points;
    spendable_only boolean := new.kind in ('redeem', 'transfer');
    lot record;
    part bigint;
begin
    if new.points > 0 then
        insert into point_lots (entry_id, member_id, points, remaining, available_at, expires_at)
        values (new.id, new.member_id, new.points, new.points, coalesce(new.available_at, new.created_at),
                new.expires_at);
        return null;
    end if;
    if due = 0 then
        return null;
    end if;
    for lot in
        select l.entry_id, l.remaining from point_lots l
         where l.member_id = new.member_id and l.remaining > 0
           and (not spendable_only or (l.available_at <= now() and (l.expires_at is null or l.expires_at > now())))
         order by case
                      when l.expires_at <= now() then case when new.kind = 'expire' then 0 else 4 end
                      when l.entry_id = new.reverses_entry_id then 1
                      when l.available_at <= now() then 2
                      else 3
                  end,
                  l.expires_at nulls last, l.entry_id
    loop
        part := least(due, lot.remaining);
        update point_lots set remaining = remaining - part where entry_id = lot.entry_id;
        due := due - part;
        exit when due = 0;
    end loop;
    if due > 0 then
        raise exception '% of the points are not spendable', due using errcode = 'LY402';
    end if;
    return null;
end
$$;

-- The outbox (0024): a transfer's entries are told as `points.transferred` (0024's loyalty_event_type
-- knows the kind), each with its transfer's id (the sender's entry with negative points, the receiver's
-- with positive). Otherwise as in 0024.
create or replace function loyalty_event_point_entry() returns trigger
language plpgsql as $$
begin
    insert into events (type, member_id, data)
    values (loyalty_event_type('points', new.kind), new.member_id,
            jsonb_strip_nulls(jsonb_build_object(
                'kind', new.kind, 'entry', new.id, 'points', new.points, 'balance', new.balance_after,
                'terminal', (select t.name from terminals t where t.id = new.terminal_id),
                'request', new.request_id, 'actor', new.admin_actor, 'receipt', new.receipt,
                'reason', new.reason, 'reverses', new.reverses_entry_id,
                'available_at', new.available_at, 'expires_at', new.expires_at, 'transfer', new.transfer_id)));
    return null;
end
$$;

-- A transfer as the CLI shows it, from its rows: the same for the call that made it and for a replay.
-- The balances are those right after the transfer (its entries' balance_after), not today's.
create function loyalty_transfer_result(p_transfer bigint) returns jsonb
language plpgsql stable as $$
declare
    t point_transfers%rowtype;
begin
    select * into t from point_transfers where id = p_transfer;
    return jsonb_strip_nulls(jsonb_build_object(
        'transfer', t.id,
        'from', (select number from members where id = t.from_member_id),
        'to', (select number from members where id = t.to_member_id),
        'points', t.points,
        'note', t.note,
        'at', loyalty_json_time(t.at),
        'from_entry', (select e.id from point_entries e where e.transfer_id = t.id and e.points < 0),
        'from_points', (select e.balance_after from point_entries e where e.transfer_id = t.id and e.points < 0),
        'to_entries', (select jsonb_agg(e.id order by e.id) from point_entries e
                        where e.transfer_id = t.id and e.points > 0),
        'to_points', (select e.balance_after from point_entries e where e.transfer_id = t.id and e.points > 0
                       order by e.id desc limit 1),
        -- What the receiver got, by expiry date (null: never expires), soonest first.
        'lots', (select jsonb_agg(jsonb_strip_nulls(jsonb_build_object(
                            'points', e.points, 'expires_at', loyalty_json_time(e.expires_at)))
                        order by e.expires_at nulls last, e.id)
                   from point_entries e where e.transfer_id = t.id and e.points > 0),
        'request_id', t.request_id));
end
$$;

-- `loyalty points transfer`: moves p_points spendable points from one member to another (see the header).
-- p_request (optional) makes the call idempotent: a retry with the same id and the same meaning returns
-- the stored outcome with "replayed": true.
create function loyalty_transfer_points(
    p_admin text, p_from_kind text, p_from_value text, p_to_kind text, p_to_value text, p_points bigint,
    p_note text, p_request text, p_rules jsonb
) returns jsonb
language plpgsql as $$
declare
    from_id bigint;
    to_id bigint;
    sender members%rowtype;
    receiver members%rowtype;
    fingerprint bytea;
    earlier point_transfers%rowtype;
    balance bigint;
    spendable bigint;
    deadline timestamptz;
    sent bigint;
    transfer_id bigint;
    lot_points bigint[];
    lot_expires timestamptz[];
begin
    if p_points is null or p_points <= 0 then
        raise exception 'points must be positive' using errcode = 'LY400';
    end if;
    p_note := nullif(btrim(p_note), '');
    if length(p_note) > 200 then
        raise exception 'note: at most 200 characters' using errcode = 'LY400';
    end if;

    from_id := loyalty_member_id(p_from_kind, p_from_value);
    to_id := loyalty_member_id(p_to_kind, p_to_value);

    -- A retry of the same request waits for the first attempt (as a till's duplicate does in
    -- loyalty_replay), then finds its transfer. One bigint key: not the till's (terminal, request) pairs.
    if p_request is not null then
        fingerprint := sha256(convert_to(concat_ws('|', 'transfer', from_id, to_id, p_points, p_note), 'UTF8'));
        perform pg_advisory_xact_lock(hashtextextended('points.transfer|' || p_request, 0));
        select * into earlier from point_transfers where request_id = p_request;
        if found then
            if earlier.fingerprint <> fingerprint then
                raise exception 'request id % was already used for a different transfer', p_request
                    using errcode = 'LY428';
            end if;
            return loyalty_transfer_result(earlier.id) || '{"replayed": true}';
        end if;
    end if;

    -- After the replay: a retry gets its outcome even if the limits were changed since.
    if p_points < (p_rules->>'transfer_min')::bigint then
        raise exception 'points: at least % points per transfer (points.transfer-min), % requested',
            p_rules->>'transfer_min', p_points using errcode = 'LY400';
    end if;
    if p_points > (p_rules->>'transfer_max')::bigint then
        raise exception 'points: at most % points per transfer (points.transfer-max), % requested',
            p_rules->>'transfer_max', p_points using errcode = 'LY400';
    end if;
    if from_id = to_id then
        raise exception 'a member cannot transfer points to itself' using errcode = 'LY400';
    end if;

    -- Both accounts locked in member-id order: two opposite transfers (A to B, B to A) queue here instead of
    -- each holding one account and waiting for the other. Every later read sees the other writers' commits.
    perform 1 from point_accounts where member_id = least(from_id, to_id) for update;
    perform 1 from point_accounts where member_id = greatest(from_id, to_id) for update;
    select * into sender from members where id = from_id;
    select * into receiver from members where id = to_id;
    if sender.status <> 'active' then
        raise exception 'member % (the sender) is %', sender.number, sender.status using errcode = 'LY410';
    end if;
    if receiver.status <> 'active' then
        raise exception 'member % (the receiver) is %', receiver.number, receiver.status using errcode = 'LY410';
    end if;

    select coalesce(sum(t.points), 0) into sent from point_transfers t
     where t.from_member_id = any (loyalty_merged_family(from_id)) and t.at > now() - interval '30 days';
    if sent + p_points > (p_rules->>'transfer_window_max')::bigint then
        raise exception 'member % may send at most % points in 30 days (points.transfer-max-30-days): % sent, % requested',
            sender.number, p_rules->>'transfer_window_max', sent, p_points using errcode = 'LY429';
    end if;

    select a.balance into balance from point_accounts a where a.member_id = from_id;
    spendable := loyalty_spendable(from_id);
    if p_rules->>'expiry' = 'inactivity' then
        -- The day the sender's whole balance expires for inactivity (the job may not have run yet).
        select a.last_activity_at + make_interval(months => (p_rules->>'expiry_months')::int) into deadline
          from point_accounts a where a.member_id = from_id;
        if deadline <= now() then
            raise exception 'member % has neither earned nor redeemed for % months: the balance of % points is due to expire and cannot be transferred',
                sender.number, p_rules->>'expiry_months', balance using errcode = 'LY402';
        end if;
    end if;
    if spendable < p_points then
        raise exception '% of the balance of % points can be transferred now, % requested', spendable, balance, p_points
            using errcode = 'LY402';
    end if;

    insert into point_transfers (from_member_id, to_member_id, points, note, actor, request_id, fingerprint)
    values (from_id, to_id, p_points, p_note, p_admin, p_request, fingerprint)
    returning id into transfer_id;

    -- The receiver's side, read before the sender's entry consumes the lots: the points that entry will take
    -- (spendable lots, soonest to expire first, then the oldest: the trigger's order), summed by expiry date,
    -- each date capped by the sender's inactivity deadline when that policy applies (least() skips nulls:
    -- a lot that never expires gets the deadline, and without a deadline a lot keeps its date).
    select array_agg(points order by expires_at nulls last), array_agg(expires_at order by expires_at nulls last)
      into lot_points, lot_expires
      from (select least(taken.expires_at, deadline) as expires_at, sum(taken.part)::bigint as points
              from (select l.expires_at,
                           least(l.remaining, p_points - coalesce(sum(l.remaining) over (
                               order by l.expires_at nulls last, l.entry_id
                               rows between unbounded preceding and 1 preceding), 0)) as part
                      from point_lots l
                     where l.member_id = from_id and l.remaining > 0
                       and l.available_at <= now() and (l.expires_at is null or l.expires_at > now())) taken
             where taken.part > 0
             group by 1) grouped;

    insert into point_entries (member_id, kind, points, admin_actor, reason, transfer_id)
    values (from_id, 'transfer', -p_points, p_admin, 'transfer to ' || receiver.number || coalesce(': ' || p_note, ''),
            transfer_id);
    for i in 1..cardinality(lot_points) loop
        insert into point_entries (member_id, kind, points, admin_actor, reason, expires_at, transfer_id)
        values (to_id, 'transfer', lot_points[i], p_admin,
                'transfer from ' || sender.number || coalesce(': ' || p_note, ''), lot_expires[i], transfer_id);
    end loop;

    insert into audit_log (actor, action, subject, details)
    values (p_admin, 'points.transfer', sender.number,
            jsonb_strip_nulls(jsonb_build_object('transfer', transfer_id, 'from', sender.number, 'to', receiver.number,
                'points', p_points, 'note', p_note, 'request_id', p_request)));
    return loyalty_transfer_result(transfer_id);
end
$$;

-- The consistency check (0019), and one more: every transfer is its pair of entries. The checks of the
-- migrations before this one run first, unchanged, as loyalty_check_base().
alter function loyalty_check() rename to loyalty_check_base;

create function loyalty_check()
returns table (name text, inspected bigint, violations bigint, examples text[])
language plpgsql stable as $$
declare
    n bigint;
    bad text[];
begin
    return query select * from loyalty_check_base();

    -- A transfer took its points off the sender in one entry and gave the receiver entries of the same
    -- points in all; every transfer entry belongs to a recorded transfer and names one of its two members.
    select count(*), array_agg('transfer ' || coalesce(t.id, e.transfer_id) order by coalesce(t.id, e.transfer_id))
                         filter (where t.id is null or e.transfer_id is null or e.sends <> 1
                                       or e.sent <> -t.points or e.received <> t.points or e.stray > 0)
      into n, bad
      from point_transfers t
      full join (select x.transfer_id,
                        count(*) filter (where x.points < 0) as sends,
                        coalesce(sum(x.points) filter (where x.points < 0 and x.member_id = p.from_member_id), 0) as sent,
                        coalesce(sum(x.points) filter (where x.points > 0 and x.member_id = p.to_member_id), 0) as received,
                        count(*) filter (where x.kind <> 'transfer' or p.id is null
                                               or (x.points < 0 and x.member_id <> p.from_member_id)
                                               or (x.points > 0 and x.member_id <> p.to_member_id)) as stray
                   from point_entries x
                   left join point_transfers p on p.id = x.transfer_id
                  where x.transfer_id is not null
                  group by x.transfer_id) e on e.transfer_id = t.id;
    return query select * from loyalty_check_row('points.transfers', n, bad);
end
$$;
