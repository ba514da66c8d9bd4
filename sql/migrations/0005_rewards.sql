-- 0005 Rewards: the rewards catalog, the vouchers members get for them (claimed with points at a till,
-- or granted by an administrator), and the one use of each voucher.
--
-- Rules (docs/programme.md, Rewards):
--   * A member can claim a reward when it is active, today is within its validity dates, it has stock
--     left (or no stock limit), the member's tier rank is at least its minimum tier's, and the member
--     has the cost in spendable points (loyalty_spendable of 0004: neither pending nor expired). A
--     claim spends the cost as a 'redeem' ledger entry (the ledger trigger of 0004 consumes the lots),
--     takes one from the stock and issues a voucher, in one transaction with the idempotency record.
--   * Voucher codes are never stored: only a keyed hash (HMAC-SHA256 with the installation key,
--     computed by the caller) and the last four characters. A code is found by its hash.
--   * A voucher is valid until its last day (expires_on, inclusive, by the database's calendar) and
--     can be used once: a use is a row in voucher_uses, unique per voucher, so a second use is
--     impossible whatever the callers do. Vouchers, claims and uses are append-only; a voucher's state
--     (valid, used, expired) follows from its use and its last day.
--
-- New SQLSTATEs (class LY, see 0001): LY411 reward unavailable, LY412 out of stock, LY413 tier too
-- low, LY420 voucher used, LY421 voucher expired.

create table rewards (
    id            bigint generated always as identity primary key,
    code          text not null unique check (code ~ '^[a-z0-9][a-z0-9_-]{0,31}$'),
    name          text not null check (length(name) between 1 and 100),
    cost          bigint not null check (cost between 1 and 1000000000),
    -- Vouchers that may still be issued; null for no limit. Claims and grants take one each.
    stock         bigint check (stock between 0 and 1000000000),
    -- First and last day the reward can be claimed or granted (inclusive); null for no limit.
    valid_from    date,
    valid_until   date,
    -- The lowest tier whose members may claim it (by rank); null for everyone. A tier named here
    -- cannot be removed.
    min_tier_id   bigint references tiers (id),
    status        text not null default 'active' check (status in ('active', 'retired')),
    created_at    timestamptz not null default now(),
    updated_at    timestamptz not null default now(),
    retired_at    timestamptz,
    constraint rewards_dates check (valid_until >= valid_from),
    check ((status = 'retired') = (retired_at is not null))
);

-- A claim at a till (or by an administrator): the reward, the points it cost and the ledger entry
-- that spent them.
create table reward_claims (
    id           bigint generated always as identity primary key,
    reward_id    bigint not null references rewards (id),
    member_id    bigint not null references members (id),
    points       bigint not null check (points > 0),
    entry_id     bigint not null unique references point_entries (id),
    terminal_id  bigint references terminals (id),
    request_id   text,
    admin_actor  text,
    created_at   timestamptz not null default now(),
    check ((terminal_id is not null and request_id is not null) or admin_actor is not null)
);
create index reward_claims_member on reward_claims (member_id, id desc);

create trigger reward_claims_append_only before update or delete on reward_claims
    for each row execute function refuse_change();
create trigger reward_claims_no_truncate before truncate on reward_claims
    for each statement execute function refuse_change();

create table vouchers (
    id            bigint generated always as identity primary key,
    -- HMAC-SHA256 of the code under the installation key; the code itself is never stored.
    code_hash     bytea not null unique check (length(code_hash) = 32),
    code_last4    text not null check (code_last4 ~ '^[2-9A-HJKMNP-Z]{4}$'),
    reward_id     bigint not null references rewards (id),
    member_id     bigint not null references members (id),
    -- Issued by a claim, or granted by an administrator with a reason.
    claim_id      bigint unique references reward_claims (id),
    granted_by    text check (length(granted_by) between 1 and 100),
    grant_reason  text check (length(grant_reason) between 1 and 500),
    issued_at     timestamptz not null default now(),
    -- The last day the voucher can be used.
    expires_on    date not null,
    check ((claim_id is null) = (granted_by is not null and grant_reason is not null))
);
create index vouchers_member on vouchers (member_id, id desc);

create trigger vouchers_append_only before update or delete on vouchers
    for each row execute function refuse_change();
create trigger vouchers_no_truncate before truncate on vouchers
    for each statement execute function refuse_change();

-- The use of a voucher. unique (voucher_id): a voucher is used at most once, enforced here.
create table voucher_uses (
    id           bigint generated always as identity primary key,
    voucher_id   bigint not null unique references vouchers (id),
    terminal_id  bigint not null references terminals (id),
    request_id   text not null,
    store_code   text,
    receipt      text not null check (length(receipt) between 1 and 64),
    used_at      timestamptz not null default now()
);

create trigger voucher_uses_append_only before update or delete on voucher_uses
    for each row execute function refuse_change();
create trigger voucher_uses_no_truncate before truncate on voucher_uses
    for each statement execute function refuse_change();

-- The id of the tier with this code (null for null); an unknown code is refused.
create function loyalty_tier_id(p_code text) returns bigint
language plpgsql stable as $$
declare
    found_id bigint;
begin
    if p_code is null then
        return null;
    end if;
    select id into found_id from tiers where code = p_code;
    if not found then
        raise exception 'no tier with code %', p_code using errcode = 'LY404';
    end if;
    return found_id;
end
$$;

-- The rank of the member's tier: their recorded tier, else the lowest tier; null without tiers.
-- (Read from member_tiers directly, independent of the programme rules the tier status takes.)
create function loyalty_member_tier_rank(p_member bigint) returns int
language sql stable as $$
    select coalesce((select t.rank from member_tiers mt join tiers t on t.id = mt.tier_id where mt.member_id = p_member),
                    (select min(rank) from tiers))
$$;

-- Today in the programme's time zone (`programme.time-zone`): the day that reward and voucher dates
-- are compared with, as promotions' days are.
create function loyalty_local_date(p_time_zone text) returns date
language sql stable as $$
    select (now() at time zone p_time_zone)::date
$$;

-- Why the member cannot have the reward on p_today (raises), or nothing. Points are not checked here.
create function loyalty_reward_check(p_reward rewards, p_member bigint, p_today date) returns void
language plpgsql stable as $$
declare
    needed tiers%rowtype;
begin
    if p_reward.status <> 'active' then
        raise exception 'reward % is retired', p_reward.code using errcode = 'LY411';
    end if;
    if p_reward.valid_from > p_today then
        raise exception 'reward % can be claimed from %', p_reward.code, p_reward.valid_from using errcode = 'LY411';
    end if;
    if p_reward.valid_until < p_today then
        raise exception 'reward % ended on %', p_reward.code, p_reward.valid_until using errcode = 'LY411';
    end if;
    if p_reward.min_tier_id is not null then
        select * into needed from tiers where id = p_reward.min_tier_id;
        if coalesce(loyalty_member_tier_rank(p_member), -1) < needed.rank then
            raise exception 'reward % is for tier % and above', p_reward.code, needed.code using errcode = 'LY413';
        end if;
    end if;
    if p_reward.stock is not null and p_reward.stock <= 0 then
        raise exception 'reward % is out of stock', p_reward.code using errcode = 'LY412';
    end if;
end
$$;

-- The last day of a voucher issued on p_today: p_days later, but not beyond the reward's last day.
create function loyalty_voucher_expiry(p_reward rewards, p_days int, p_today date) returns date
language sql immutable as $$
    select least(p_today + p_days, coalesce(p_reward.valid_until, 'infinity'::date))
$$;

-- REWARDS: what the member can claim now (active, within dates, in stock, tier allows, cost within
-- the spendable points), cheapest first. Always at least one row, so that the member and the points
-- come back even when nothing can be claimed (the reward columns are then null). An inactive member
-- can claim nothing.
create function loyalty_claimable_rewards(p_terminal bigint, p_kind text, p_value text, p_time_zone text)
returns table (member text, points bigint, code text, name text, cost bigint, stock bigint, valid_until date)
language plpgsql stable as $$
declare
    found_member members%rowtype;
    spendable bigint;
    tier_rank int;
begin
    if p_terminal is not null then
        perform loyalty_terminal_store(p_terminal);
    end if;
    select * into found_member from members m where m.id = loyalty_member_id(p_kind, p_value);
    spendable := loyalty_spendable(found_member.id);
    tier_rank := coalesce(loyalty_member_tier_rank(found_member.id), -1);
    return query
        select found_member.number, spendable, r.code, r.name, r.cost, r.stock, r.valid_until
          from (select 1) one
          left join rewards r
            on found_member.status = 'active' and r.status = 'active'
           and (r.valid_from is null or r.valid_from <= loyalty_local_date(p_time_zone))
           and (r.valid_until is null or r.valid_until >= loyalty_local_date(p_time_zone))
           and (r.stock is null or r.stock > 0)
           and r.cost <= spendable
           and (r.min_tier_id is null or tier_rank >= (select t.rank from tiers t where t.id = r.min_tier_id))
         order by r.cost, r.code;
end
$$;

-- CLAIM (till) and a claim by an administrator: spends the reward's cost and issues a voucher whose
-- code the caller chose and hashed (p_code_hash, p_last4). Idempotent by request id like loyalty_spend.
create function loyalty_claim(
    p_terminal bigint, p_request text, p_fingerprint text, p_admin text,
    p_kind text, p_value text, p_reward text, p_code_hash bytea, p_last4 text, p_voucher_days int,
    p_time_zone text
) returns jsonb
language plpgsql as $$
declare
    result jsonb;
    refused_state text;
    refused_message text;
    refused_constraint text;
    member members%rowtype;
    reward rewards%rowtype;
    spendable bigint;
    entry_id bigint;
    balance bigint;
    claim_id bigint;
    expires date;
begin
    if p_terminal is not null then
        result := loyalty_replay(p_terminal, p_request, 'CLAIM', p_fingerprint);
        if result is not null then
            return result;
        end if;
    end if;
    begin
        select * into member from members where id = loyalty_member_id(p_kind, p_value);
        if member.status <> 'active' then
            raise exception 'member is %', member.status using errcode = 'LY410';
        end if;
        select * into reward from rewards where code = p_reward;
        if not found then
            raise exception 'no reward with code %', p_reward using errcode = 'LY404';
        end if;
        -- Only a reward with limited stock is locked (concurrent claims of the last one queue here):
        -- claims of an unlimited reward must not serialise every till on its row.
        if reward.stock is not null then
            select * into reward from rewards where id = reward.id for update;
        end if;
        perform loyalty_reward_check(reward, member.id, loyalty_local_date(p_time_zone));

        -- Lock the account first: concurrent spends of one member queue here, not in the CHECK.
        perform 1 from point_accounts a where a.member_id = member.id for update;
        spendable := loyalty_spendable(member.id);
        if spendable < reward.cost then
            raise exception '% points spendable, % requested', spendable, reward.cost using errcode = 'LY402';
        end if;

        insert into point_entries (member_id, kind, points, terminal_id, request_id, admin_actor, reason)
        values (member.id, 'redeem', -reward.cost, p_terminal, p_request, p_admin, 'reward ' || reward.code)
        returning id, balance_after into entry_id, balance;

        if reward.stock is not null then
            update rewards set stock = stock - 1 where id = reward.id;
        end if;
        insert into reward_claims (reward_id, member_id, points, entry_id, terminal_id, request_id, admin_actor)
        values (reward.id, member.id, reward.cost, entry_id, p_terminal, p_request, p_admin)
        returning id into claim_id;
        expires := loyalty_voucher_expiry(reward, p_voucher_days, loyalty_local_date(p_time_zone));
        insert into vouchers (code_hash, code_last4, reward_id, member_id, claim_id, expires_on)
        values (p_code_hash, p_last4, reward.id, member.id, claim_id, expires);

        result := jsonb_build_object('member', member.number, 'reward', reward.code, 'name', reward.name,
                                     'spent', reward.cost, 'points', balance, 'entry', entry_id,
                                     'last4', p_last4, 'expires', expires);
        if p_admin is not null then
            insert into audit_log (actor, action, subject, details)
            values (p_admin, 'reward.claim', member.number,
                    jsonb_build_object('reward', reward.code, 'points', reward.cost, 'entry', entry_id, 'last4', p_last4));
        end if;
    exception when sqlstate 'LY400' or sqlstate 'LY402' or sqlstate 'LY404' or sqlstate 'LY410'
                or sqlstate 'LY411' or sqlstate 'LY412' or sqlstate 'LY413' or sqlstate 'LY422' or unique_violation then
        get stacked diagnostics refused_state = returned_sqlstate, refused_message = message_text,
                                refused_constraint = constraint_name;
        result := loyalty_refusal(refused_state, refused_message, refused_constraint);
        if result is null then
            raise;
        end if;
    end;
    if p_terminal is not null then
        perform loyalty_record_request(p_terminal, p_request, 'CLAIM', p_fingerprint, result);
    end if;
    return result;
end
$$;

-- `reward grant`: vouchers without points for a list of members (one or many), in one transaction.
-- Members that cannot have one (unknown, not active) are skipped and reported; a reward that cannot be
-- granted (unknown, retired, outside its dates) or whose stock does not cover every voucher refuses the
-- whole grant. Codes come as hex keyed hashes, one per member. Returns one object per member in order: {"member", "expires"} or {"member", "skipped"}.
create function loyalty_grant_vouchers(
    p_admin text, p_reward text, p_members text[], p_code_hashes text[], p_last4s text[], p_reason text,
    p_voucher_days int, p_time_zone text
) returns jsonb
language plpgsql as $$
declare
    reward rewards%rowtype;
    member members%rowtype;
    expires date;
    outcomes jsonb := '[]';
    granted bigint := 0;
    i int;
begin
    if p_admin is null then
        raise exception 'only an administrator grants rewards' using errcode = 'LY400';
    end if;
    if coalesce(length(p_reason), 0) = 0 then
        raise exception 'a reason is required' using errcode = 'LY400';
    end if;
    if cardinality(p_members) is distinct from cardinality(p_code_hashes)
       or cardinality(p_members) is distinct from cardinality(p_last4s) then
        raise exception 'one code per member expected' using errcode = 'LY400';
    end if;
    select * into reward from rewards where code = p_reward for update;
    if not found then
        raise exception 'no reward with code %', p_reward using errcode = 'LY404';
    end if;
    if reward.status <> 'active' then
        raise exception 'reward % is retired', reward.code using errcode = 'LY411';
    end if;
    if reward.valid_from > loyalty_local_date(p_time_zone) or reward.valid_until < loyalty_local_date(p_time_zone) then
        raise exception 'reward % is valid from % to %', reward.code, coalesce(reward.valid_from::text, '-'),
            coalesce(reward.valid_until::text, '-') using errcode = 'LY411';
    end if;
    expires := loyalty_voucher_expiry(reward, p_voucher_days, loyalty_local_date(p_time_zone));
    for i in 1 .. coalesce(cardinality(p_members), 0) loop
        select * into member from members where number = p_members[i];
        if not found then
            outcomes := outcomes || jsonb_build_array(jsonb_build_object('member', p_members[i], 'skipped', 'no member with this member number'));
        elsif member.status <> 'active' then
            outcomes := outcomes || jsonb_build_array(jsonb_build_object('member', p_members[i], 'skipped', 'member is ' || member.status));
        else
            insert into vouchers (code_hash, code_last4, reward_id, member_id, granted_by, grant_reason, expires_on)
            values (decode(p_code_hashes[i], 'hex'), p_last4s[i], reward.id, member.id, p_admin, p_reason, expires);
            insert into audit_log (actor, action, subject, details)
            values (p_admin, 'reward.grant', member.number,
                    jsonb_build_object('reward', reward.code, 'last4', p_last4s[i], 'reason', p_reason, 'expires', expires));
            outcomes := outcomes || jsonb_build_array(jsonb_build_object('member', member.number, 'expires', expires, 'last4', p_last4s[i]));
            granted := granted + 1;
        end if;
    end loop;
    if reward.stock is not null then
        if reward.stock < granted then
            raise exception 'reward % has % in stock, % vouchers requested', reward.code, reward.stock, granted
                using errcode = 'LY412';
        end if;
        update rewards set stock = stock - granted where id = reward.id;
    end if;
    return outcomes;
end
$$;

-- VOUCHER at the till and `voucher show`: a voucher found by its code's hash, with its state.
create function loyalty_voucher_status(p_terminal bigint, p_code_hash bytea, p_time_zone text)
returns table (id bigint, last4 text, status text, reward text, reward_name text, member text, issued_at timestamptz,
               expires_on date, used_at timestamptz, receipt text, used_by text, source text, grant_reason text)
language plpgsql stable as $$
begin
    if p_terminal is not null then
        perform loyalty_terminal_store(p_terminal);
    end if;
    return query
        select v.id, v.code_last4,
               case when u.id is not null then 'used' when v.expires_on < loyalty_local_date(p_time_zone) then 'expired' else 'valid' end,
               r.code, r.name, m.number, v.issued_at, v.expires_on, u.used_at, u.receipt, t.name,
               case when v.claim_id is not null then 'claim' else 'grant' end, v.grant_reason
          from vouchers v
          join rewards r on r.id = v.reward_id
          join members m on m.id = v.member_id
          left join voucher_uses u on u.voucher_id = v.id
          left join terminals t on t.id = u.terminal_id
         where v.code_hash = p_code_hash;
    if not found then
        raise exception 'no voucher with this code' using errcode = 'LY404';
    end if;
end
$$;

-- USE: consumes a voucher once. Idempotent by request id; a second use by another request is refused
-- with LY420, and that refusal is stored like any other.
create function loyalty_use_voucher(
    p_terminal bigint, p_request text, p_fingerprint text, p_code_hash bytea, p_receipt text, p_time_zone text
) returns jsonb
language plpgsql as $$
declare
    result jsonb;
    refused_state text;
    refused_message text;
    refused_constraint text;
    store text;
    voucher vouchers%rowtype;
    earlier voucher_uses%rowtype;
    used timestamptz;
begin
    result := loyalty_replay(p_terminal, p_request, 'USE', p_fingerprint);
    if result is not null then
        return result;
    end if;
    store := loyalty_terminal_store(p_terminal);
    begin
        -- Lock the voucher: two uses of one voucher queue here; the unique voucher_id backs it.
        select * into voucher from vouchers v where v.code_hash = p_code_hash for update;
        if not found then
            raise exception 'no voucher with this code' using errcode = 'LY404';
        end if;
        select * into earlier from voucher_uses u where u.voucher_id = voucher.id;
        if found then
            raise exception 'voucher …% was used on % (receipt %)', voucher.code_last4,
                to_char(earlier.used_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), earlier.receipt
                using errcode = 'LY420';
        end if;
        if voucher.expires_on < loyalty_local_date(p_time_zone) then
            raise exception 'voucher …% expired on %', voucher.code_last4, voucher.expires_on using errcode = 'LY421';
        end if;
        insert into voucher_uses (voucher_id, terminal_id, request_id, store_code, receipt)
        values (voucher.id, p_terminal, p_request, store, p_receipt)
        returning used_at into used;
        select jsonb_build_object('member', m.number, 'reward', r.code, 'name', r.name, 'last4', voucher.code_last4,
                                  'used_at', to_char(used at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
                                  'receipt', p_receipt)
          into result
          from members m, rewards r where m.id = voucher.member_id and r.id = voucher.reward_id;
    exception when sqlstate 'LY400' or sqlstate 'LY404' or sqlstate 'LY420' or sqlstate 'LY421' then
        get stacked diagnostics refused_state = returned_sqlstate, refused_message = message_text,
                                refused_constraint = constraint_name;
        result := loyalty_refusal(refused_state, refused_message, refused_constraint);
    end;
    perform loyalty_record_request(p_terminal, p_request, 'USE', p_fingerprint, result);
    return result;
end
$$;

-- The installation key's check value (InstallationKey.checkValue): the first process with a key records
-- it, and every process with a key compares its own, so that a key created by mistake on another host is
-- refused at start instead of issuing vouchers the tills cannot check.
create table installation_key (
    singleton   boolean primary key default true check (singleton),
    check_value bytea not null check (length(check_value) = 32),
    created_at  timestamptz not null default now()
);

create trigger installation_key_append_only before update or delete on installation_key
    for each row execute function refuse_change();
