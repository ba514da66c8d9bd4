-- 0019 The consistency check (`loyalty db check`, docs/operations.md "Consistency check and fault tests").
--
-- loyalty_check() re-derives every cached or derived figure of the stores from the append-only records
-- they are kept from, and reports one row per invariant: how many rows it inspected, how many violate it,
-- and up to five example ids. It only reads. The triggers and CHECKs of the earlier migrations keep these
-- invariants on every write; this finds what went wrong behind their back (a restore of a partial dump, a
-- superuser's UPDATE with session_replication_role = replica, a bug in a future migration).
--
-- Each check is one set-based query (joins and aggregates over whole tables, no loop per row), so the
-- whole check is a handful of sequential scans and sorts: seconds for millions of ledger entries.
-- The function is STABLE, so every query in it reads the snapshot of the calling statement: concurrent
-- till traffic cannot make a consistent database look inconsistent between two checks.

create function loyalty_check_row(p_name text, p_inspected bigint, p_bad text[])
returns table (name text, inspected bigint, violations bigint, examples text[])
language sql immutable as $$
    select p_name, p_inspected, coalesce(cardinality(p_bad), 0)::bigint, coalesce(p_bad[1:5], '{}')
$$;

create function loyalty_check()
returns table (name text, inspected bigint, violations bigint, examples text[])
language plpgsql stable as $$
declare
    n bigint;
    bad text[];
begin
    -- Points ------------------------------------------------------------------------------------

    -- Every member has its account, and every balance equals the sum of the member's entries.
    select count(*), array_agg(m.number order by m.id) filter (where a.member_id is null or a.balance <> coalesce(e.total, 0))
      into n, bad
      from members m
      left join point_accounts a on a.member_id = m.id
      left join (select member_id, sum(points) as total from point_entries group by member_id) e on e.member_id = m.id;
    return query select * from loyalty_check_row('points.balance', n, bad);

    -- No negative balance, on accounts, entries and lots.
    select (select count(*) from point_accounts) + (select count(*) from point_entries) + (select count(*) from point_lots),
           (select array_agg(x order by x) from (
                select 'account ' || member_id as x from point_accounts where balance < 0
                union all select 'entry ' || id from point_entries where balance_after < 0
                union all select 'lot ' || entry_id from point_lots where remaining < 0 or remaining > points) neg)
      into n, bad;
    return query select * from loyalty_check_row('points.non-negative', n, bad);

    -- Each entry's balance_after is the running sum of its member's entries up to it.
    select count(*), array_agg('entry ' || id order by id) filter (where balance_after <> running)
      into n, bad
      from (select id, balance_after, sum(points) over (partition by member_id order by id) as running
              from point_entries) e;
    return query select * from loyalty_check_row('points.running-balance', n, bad);

    -- The points remaining in a member's lots equal the balance (pending and spendable are read from lots).
    select count(*), array_agg('member ' || a.member_id order by a.member_id)
                         filter (where a.balance <> coalesce(l.remaining, 0))
      into n, bad
      from point_accounts a
      left join (select member_id, sum(remaining) as remaining from point_lots group by member_id) l
        on l.member_id = a.member_id;
    return query select * from loyalty_check_row('points.lots-equal-balance', n, bad);

    -- Every entry that adds points opened exactly one lot of its points, and every lot belongs to one.
    -- With the balance and the lots' sum equal, this makes the points consumed from lots equal the
    -- points taken by negative entries: nothing spent or expired twice.
    select count(*), array_agg('entry ' || coalesce(e.id, l.entry_id) order by coalesce(e.id, l.entry_id))
                         filter (where e.id is null or l.entry_id is null or l.points <> e.points
                                       or l.member_id <> e.member_id)
      into n, bad
      from (select id, member_id, points from point_entries where points > 0) e
      full join point_lots l on l.entry_id = e.id;
    return query select * from loyalty_check_row('points.lots-match-entries', n, bad);

    -- A reversal takes back an earn, and the reversals of an earn never claim more than it awarded.
    select count(*), array_agg('entry ' || r.reversed order by r.reversed)
                         filter (where o.kind is distinct from 'earn' or r.claimed > o.points)
      into n, bad
      from (select reverses_entry_id as reversed, sum(-points + shortfall) as claimed
              from point_entries where kind = 'reverse' group by reverses_entry_id) r
      left join point_entries o on o.id = r.reversed;
    return query select * from loyalty_check_row('points.reversals', n, bad);

    -- An itemised entry's items add up to what it claims: an earn's points, a reversal's taken + shortfall.
    select count(*), array_agg('entry ' || e.id order by e.id)
                         filter (where i.total <> case when e.kind = 'reverse' then e.points - e.shortfall else e.points end
                                       or i.member_id <> e.member_id)
      into n, bad
      from (select entry_id, sum(points) as total, min(member_id) as member_id from point_entry_items group by entry_id) i
      join point_entries e on e.id = i.entry_id;
    return query select * from loyalty_check_row('points.items', n, bad);

    -- Gift cards --------------------------------------------------------------------------------

    -- A card's balance and held amount are the sums of its activities' amounts and held changes.
    select count(*), array_agg('card ' || c.id order by c.id)
                         filter (where c.balance <> coalesce(a.amount, 0) or c.held <> coalesce(a.held, 0))
      into n, bad
      from gift_cards c
      left join (select card_id, sum(amount) as amount, sum(held_change) as held
                   from gift_card_activities group by card_id) a on a.card_id = c.id;
    return query select * from loyalty_check_row('giftcards.balance', n, bad);

    -- No negative balance, and the held amount within the balance, on the cards and after every activity.
    select (select count(*) from gift_cards) + (select count(*) from gift_card_activities),
           (select array_agg(x order by x) from (
                select 'card ' || id as x from gift_cards where balance < 0 or held < 0 or held > balance
                union all select 'activity ' || id from gift_card_activities
                 where balance_after < 0 or held_after < 0 or held_after > balance_after) neg)
      into n, bad;
    return query select * from loyalty_check_row('giftcards.non-negative', n, bad);

    -- Each activity's balance_after and held_after are the running sums of the card's activities.
    select count(*), array_agg('activity ' || id order by id) filter (where balance_after <> run_amount or held_after <> run_held)
      into n, bad
      from (select id, balance_after, held_after,
                   sum(amount) over (partition by card_id order by id) as run_amount,
                   sum(held_change) over (partition by card_id order by id) as run_held
              from gift_card_activities) a;
    return query select * from loyalty_check_row('giftcards.running-balance', n, bad);

    -- Holds: every capture or release ends a hold of the same card, once, releasing exactly what it held
    -- and capturing no more; the card's held amount is the sum of its open holds.
    select count(*), array_agg('activity ' || x.id order by x.id) filter (where x.bad)
      into n, bad
      from (select e.id, h.id is null or h.kind <> 'hold' or h.card_id <> e.card_id or e.held_change <> -h.held_change
                         or -e.amount > h.held_change
                         or count(*) over (partition by e.hold_id) > 1 as bad
              from gift_card_activities e
              left join gift_card_activities h on h.id = e.hold_id
             where e.kind in ('capture', 'release')) x;
    return query select * from loyalty_check_row('giftcards.holds-ended-once', n, bad);

    select count(*), array_agg('card ' || c.id order by c.id) filter (where c.held <> coalesce(o.held, 0))
      into n, bad
      from gift_cards c
      left join (select h.card_id, sum(h.held_change) as held
                   from gift_card_activities h
                  where h.kind = 'hold' and not exists (select 1 from gift_card_activities e where e.hold_id = h.id)
                  group by h.card_id) o on o.card_id = c.id;
    return query select * from loyalty_check_row('giftcards.open-holds', n, bad);

    -- A card's state is where its state activities led (none: inactive), and a closed card holds nothing.
    select count(*), array_agg('card ' || c.id order by c.id)
                         filter (where c.state <> coalesce(s.state, 'inactive')
                                       or (c.state = 'closed' and (c.balance <> 0 or c.held <> 0))
                                       or (c.state = 'inactive' and c.balance <> 0))
      into n, bad
      from gift_cards c
      left join (select distinct on (card_id) card_id,
                        case kind when 'block' then 'blocked' when 'close' then 'closed' else 'active' end as state
                   from gift_card_activities where kind in ('activate', 'block', 'unblock', 'close')
                  order by card_id, id desc) s on s.card_id = c.id;
    return query select * from loyalty_check_row('giftcards.state', n, bad);

    -- One currency per card: the batch's, and the one every recorded till reply about its activities names.
    select (select count(*) from gift_cards) + (select count(*) from gift_card_activities where terminal_id is not null),
           (select array_agg(x order by x) from (
                select 'card ' || c.id as x from gift_cards c join gift_card_batches b on b.id = c.batch_id
                 where c.currency <> b.currency
                union all
                select 'activity ' || a.id from gift_card_activities a
                  join gift_cards c on c.id = a.card_id
                  join terminal_requests r on r.terminal_id = a.terminal_id and r.request_id = a.request_id
                 where r.result ? 'currency' and r.result->>'currency' <> c.currency) mixed)
      into n, bad;
    return query select * from loyalty_check_row('giftcards.currency', n, bad);

    -- Idempotency records ------------------------------------------------------------------------

    -- Every record complete: a known verb, a fingerprint, and a stored reply (a refusal, or the shape of
    -- the verb's success naming what it wrote).
    select count(*), array_agg(r.terminal_id || '/' || r.request_id order by r.terminal_id, r.request_id)
                         filter (where length(r.fingerprint) is distinct from 32 or jsonb_typeof(r.result) is distinct from 'object'
                                       or not (r.result ? 'refused' or case
                                           when r.verb in ('EARN', 'REDEEM', 'REVERSE', 'CLAIM') then r.result ? 'entry'
                                           when r.verb in ('ENROLL', 'USE') then r.result ? 'member' or r.result ? 'status'
                                           when r.verb like 'GIFT %' then r.result ? 'activity'
                                           else false end))
      into n, bad
      from terminal_requests r;
    return query select * from loyalty_check_row('requests.complete', n, bad);

    -- Every ledger entry written for a till has its request record, whose reply names that entry, and no
    -- request wrote two entries.
    select count(*), array_agg('entry ' || x.id order by x.id) filter (where x.bad)
      into n, bad
      from (select e.id, r.request_id is null or r.result->>'entry' is distinct from e.id::text
                         or count(*) over (partition by e.terminal_id, e.request_id) > 1 as bad
              from point_entries e
              left join terminal_requests r on r.terminal_id = e.terminal_id and r.request_id = e.request_id
             where e.terminal_id is not null) x;
    return query select * from loyalty_check_row('requests.entries-recorded', n, bad);

    -- …and every successful ledger request's reply names an entry written by that request.
    select count(*), array_agg(r.terminal_id || '/' || r.request_id order by r.terminal_id, r.request_id)
                         filter (where e.id is null or e.terminal_id is distinct from r.terminal_id
                                       or e.request_id is distinct from r.request_id)
      into n, bad
      from terminal_requests r
      left join point_entries e on e.id = (r.result->>'entry')::bigint
     where r.verb in ('EARN', 'REDEEM', 'REVERSE', 'CLAIM') and not r.result ? 'refused';
    return query select * from loyalty_check_row('requests.recorded-entries', n, bad);

    -- The same both ways for gift-card activities written by tills.
    select count(*), array_agg('activity ' || x.id order by x.id) filter (where x.bad)
      into n, bad
      from (select a.id, r.request_id is null or r.result->>'activity' is distinct from a.id::text
                         or count(*) over (partition by a.terminal_id, a.request_id) > 1 as bad
              from gift_card_activities a
              left join terminal_requests r on r.terminal_id = a.terminal_id and r.request_id = a.request_id
             where a.terminal_id is not null) x;
    return query select * from loyalty_check_row('requests.activities-recorded', n, bad);

    select count(*), array_agg(r.terminal_id || '/' || r.request_id order by r.terminal_id, r.request_id)
                         filter (where a.id is null or a.terminal_id is distinct from r.terminal_id
                                       or a.request_id is distinct from r.request_id)
      into n, bad
      from terminal_requests r
      left join gift_card_activities a on a.id = (r.result->>'activity')::bigint
     where r.verb like 'GIFT %' and not r.result ? 'refused';
    return query select * from loyalty_check_row('requests.recorded-activities', n, bad);

    -- Voucher uses at a till and their USE records, both ways.
    select count(*), array_agg(coalesce('voucher use ' || u.id, r.terminal_id || '/' || r.request_id)
                               order by u.id, r.request_id)
                         filter (where u.id is null or r.request_id is null)
      into n, bad
      from voucher_uses u
      full join (select * from terminal_requests where verb = 'USE' and not result ? 'refused') r
        on r.terminal_id = u.terminal_id and r.request_id = u.request_id;
    return query select * from loyalty_check_row('requests.voucher-uses', n, bad);

    -- Rewards, vouchers, tiers, merges -----------------------------------------------------------

    -- Stock never below zero; every claim spent its cost in one redeem entry of its member and issued
    -- one voucher of its reward.
    select (select count(*) from rewards) + (select count(*) from reward_claims),
           (select array_agg(x order by x) from (
                select 'reward ' || id as x from rewards where stock < 0
                union all
                select 'claim ' || c.id from reward_claims c
                  left join point_entries e on e.id = c.entry_id
                 where e.kind is distinct from 'redeem' or e.points <> -c.points or e.member_id <> c.member_id
                    or (select count(*) from vouchers v where v.claim_id = c.id and v.reward_id = c.reward_id
                                                          and v.member_id = c.member_id) <> 1) broken)
      into n, bad;
    return query select * from loyalty_check_row('rewards.claims', n, bad);

    -- A voucher is used at most once.
    select count(*), array_agg('voucher ' || voucher_id order by voucher_id) filter (where uses > 1)
      into n, bad
      from (select voucher_id, count(*) as uses from voucher_uses group by voucher_id) u;
    return query select * from loyalty_check_row('vouchers.used-once', n, bad);

    -- A member's tier record is where their tier history last took them.
    select count(*), array_agg(m.number order by m.id) filter (where c.to_tier_id is distinct from t.tier_id)
      into n, bad
      from member_tiers t
      join members m on m.id = t.member_id
      left join (select distinct on (member_id) member_id, to_tier_id from tier_changes order by member_id, id desc) c
        on c.member_id = t.member_id;
    return query select * from loyalty_check_row('tiers.history', n, bad);

    -- A merged member's chain of merges ends at a member that is not merged, without a cycle, and every
    -- merge is recorded.
    select count(*), array_agg(m.number order by m.id)
                         filter (where chain.last_id is null or mm.kept_id is distinct from m.merged_into)
      into n, bad
      from members m
      left join member_merges mm on mm.merged_id = m.id
      left join lateral (
          with recursive walk (id, depth) as (
              select m.merged_into, 1
              union all
              select n.merged_into, w.depth + 1 from walk w join members n on n.id = w.id
               where n.merged_into is not null and w.depth < 1000)
          select w.id as last_id from walk w join members n on n.id = w.id
           where n.merged_into is null limit 1) chain on true
     where m.merged_into is not null;
    return query select * from loyalty_check_row('members.merges', n, bad);
end
$$;
