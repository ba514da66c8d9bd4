-- 0001 Foundation: terminals, members (CRM contact records), the points ledger, purchases,
-- idempotency records and the audit log.
--
-- Invariants live here, not only in Swift:
--   * point_entries is append-only: UPDATE, DELETE and TRUNCATE are refused by triggers.
--   * point_accounts.balance is maintained by the ledger trigger alone, in the same transaction
--     as the entry, so the balance always equals the sum of the member's entries; a direct
--     UPDATE of a balance is refused.
--   * No balance is ever negative (CHECK on point_accounts and on every entry's balance_after).
--   * Email and phone are unique among members that are not closed (partial unique indexes).
--
-- Errors raised by the functions use SQLSTATEs of class 'LY' that the store maps to protocol codes:
--   LY404 not found, LY409 already exists, LY410 member inactive, LY402 insufficient points,
--   LY422 reversal limit, LY428 idempotency conflict, LY401 terminal not active, LY400 bad argument.

-- Terminals -------------------------------------------------------------------------------------

create table terminals (
    id           bigint generated always as identity primary key,
    name         text not null unique check (name ~ '^[A-Za-z0-9._:#/-]{1,64}$'),
    store_code   text check (store_code ~ '^[A-Za-z0-9._:#/-]{1,64}$'),
    -- SHA-256 of the secret. Secrets are 256-bit random values, so a fast hash is safe here.
    secret_hash  bytea not null check (length(secret_hash) = 32),
    status       text not null default 'active' check (status in ('active', 'revoked')),
    created_at   timestamptz not null default now(),
    revoked_at   timestamptz,
    check ((status = 'revoked') = (revoked_at is not null))
);

-- Members ---------------------------------------------------------------------------------------

-- Card numbers are issued from this sequence; the Luhn check digit is appended by loyalty_member_number().
create sequence member_number_seq minvalue 1 maxvalue 999999999 start 100000 no cycle;

create table members (
    id               bigint generated always as identity primary key,
    number           text not null unique check (number ~ '^[0-9]{10}$'),
    first_name       text not null check (length(first_name) between 1 and 100),
    last_name        text not null check (length(last_name) between 1 and 100),
    email            text check (email = lower(email) and length(email) <= 254),
    phone            text check (phone ~ '^\+[1-9][0-9]{6,14}$'),
    birth_date       date,
    address_line1    text check (length(address_line1) <= 200),
    address_line2    text check (length(address_line2) <= 200),
    postal_code      text check (length(postal_code) <= 20),
    city             text check (length(city) <= 100),
    country          text check (country ~ '^[A-Z]{2}$'),
    preferred_store  text check (length(preferred_store) <= 64),
    source_channel   text check (length(source_channel) <= 64),
    source_campaign  text check (length(source_campaign) <= 100),
    -- The id the retailer's other systems use for this customer (history imports match on it).
    external_id      text unique check (length(external_id) <= 100),
    email_consent    boolean not null default false,
    email_consent_at timestamptz,
    sms_consent      boolean not null default false,
    sms_consent_at   timestamptz,
    tags             text[] not null default '{}',
    status           text not null default 'active' check (status in ('active', 'suspended', 'closed')),
    enrolled_by_terminal bigint references terminals (id),
    created_at       timestamptz not null default now(),
    updated_at       timestamptz not null default now(),
    closed_at        timestamptz,
    check ((status = 'closed') = (closed_at is not null))
);

-- A closed member frees their email and phone for a new record.
create unique index members_email_open on members (email) where status <> 'closed' and email is not null;
create unique index members_phone_open on members (phone) where status <> 'closed' and phone is not null;
-- Name-prefix search: `loyalty member find --name smi` matches last or first name.
create index members_last_name_prefix on members (lower(last_name) text_pattern_ops);
create index members_first_name_prefix on members (lower(first_name) text_pattern_ops);
create index members_email_lookup on members (email) where email is not null;
create index members_phone_lookup on members (phone) where phone is not null;

-- The Luhn check digit of a string of digits, appended to it.
create function loyalty_with_check_digit(body text) returns text
language sql immutable strict parallel safe as $$
    select body || ((10 - (sum(
        case when (length(body) - i) % 2 = 0
             then (substr(body, i, 1)::int * 2) / 10 + (substr(body, i, 1)::int * 2) % 10
             else substr(body, i, 1)::int end
    ) % 10)) % 10)::text
    from generate_series(1, length(body)) as i
$$;

create function loyalty_next_member_number() returns text
language sql volatile as $$
    select loyalty_with_check_digit(lpad(nextval('member_number_seq')::text, 9, '0'))
$$;

-- Points ledger ---------------------------------------------------------------------------------

-- One row per member, created with the member. The balance is a cache of the sum of the member's
-- entries, written only by the ledger trigger below.
create table point_accounts (
    member_id   bigint primary key references members (id),
    balance     bigint not null default 0 check (balance >= 0),
    updated_at  timestamptz not null default now()
);

create table purchases (
    id            bigint generated always as identity primary key,
    member_id     bigint not null references members (id),
    store_code    text,
    terminal_id   bigint references terminals (id),
    receipt       text check (length(receipt) <= 64),
    amount_minor  bigint not null check (amount_minor >= 0),
    currency      text not null check (currency ~ '^[A-Z]{3}$'),
    purchased_at  timestamptz not null default now(),
    recorded_at   timestamptz not null default now(),
    source        text not null default 'till' check (source in ('till', 'admin', 'import')),
    -- A sale, or the return (refund) of part or all of an earlier sale; amounts are positive either way.
    kind                 text not null default 'sale' check (kind in ('sale', 'return')),
    returns_purchase_id  bigint references purchases (id),
    check ((kind = 'sale') = (returns_purchase_id is null))
);
-- The repeat-purchase tracker reads purchases per member in time order.
create index purchases_member_time on purchases (member_id, purchased_at);

create table point_entries (
    id                bigint generated always as identity primary key,
    member_id         bigint not null references members (id),
    kind              text not null check (kind in ('earn', 'redeem', 'adjust', 'reverse')),
    -- Signed change of the balance.
    points            bigint not null,
    -- The member's balance after this entry; set by the ledger trigger, never by the caller.
    balance_after     bigint not null check (balance_after >= 0),
    terminal_id       bigint references terminals (id),
    request_id        text,
    admin_actor       text,
    receipt           text check (length(receipt) <= 64),
    reason            text check (length(reason) <= 500),
    purchase_id       bigint references purchases (id),
    -- For a reversal: the earn it takes back, the refunded amount, and the points it should have
    -- taken back but could not because they were already spent.
    reverses_entry_id bigint references point_entries (id),
    refund_minor      bigint check (refund_minor >= 0),
    shortfall         bigint not null default 0 check (shortfall >= 0),
    created_at        timestamptz not null default now(),
    -- Every entry names where it came from: a terminal request or an administrator.
    check ((terminal_id is not null and request_id is not null) or admin_actor is not null),
    check (case kind
        when 'earn' then points >= 0
        when 'redeem' then points < 0
        when 'reverse' then points <= 0 and reverses_entry_id is not null
        when 'adjust' then points <> 0 and reason is not null and length(reason) > 0
    end),
    check (kind = 'reverse' or (shortfall = 0 and reverses_entry_id is null and refund_minor is null))
);
create index point_entries_member on point_entries (member_id, id desc);
create index point_entries_reverses on point_entries (reverses_entry_id) where reverses_entry_id is not null;
-- REVERSE of=REQ finds the original earn by the terminal's request id.
create index point_entries_request on point_entries (terminal_id, request_id) where terminal_id is not null;

-- Applies an entry to the member's account and stamps the resulting balance on the entry.
-- The CHECK on point_accounts.balance makes any entry that would go below zero fail.
create function point_entries_apply() returns trigger
language plpgsql as $$
declare
    new_balance bigint;
begin
    update point_accounts
       set balance = balance + new.points, updated_at = now()
     where member_id = new.member_id
    returning balance into new_balance;
    if not found then
        raise exception 'member % has no point account', new.member_id using errcode = 'LY500';
    end if;
    new.balance_after := new_balance;
    return new;
end
$$;

create trigger point_entries_apply before insert on point_entries
    for each row execute function point_entries_apply();

create function refuse_change() returns trigger
language plpgsql as $$
begin
    raise exception '% is append-only: % refused', tg_table_name, tg_op using errcode = 'LY405';
end
$$;

create trigger point_entries_append_only before update or delete on point_entries
    for each row execute function refuse_change();
create trigger point_entries_no_truncate before truncate on point_entries
    for each statement execute function refuse_change();

-- Balances change only through the ledger trigger (trigger depth 2); a direct UPDATE is depth 1.
create function point_accounts_guard() returns trigger
language plpgsql as $$
begin
    if tg_op = 'UPDATE' and pg_trigger_depth() >= 2 and new.member_id = old.member_id then
        return new;
    end if;
    raise exception 'point_accounts is maintained by the ledger: % refused', tg_op using errcode = 'LY405';
end
$$;

create trigger point_accounts_guard before update or delete on point_accounts
    for each row execute function point_accounts_guard();
create trigger point_accounts_no_truncate before truncate on point_accounts
    for each statement execute function refuse_change();

-- A new account always starts at zero; points arrive only as entries.
create function point_accounts_start_at_zero() returns trigger
language plpgsql as $$
begin
    if new.balance <> 0 then
        raise exception 'a point account starts at zero' using errcode = 'LY405';
    end if;
    return new;
end
$$;

create trigger point_accounts_start_at_zero before insert on point_accounts
    for each row execute function point_accounts_start_at_zero();

-- Idempotency -----------------------------------------------------------------------------------

-- The outcome of every mutating terminal request (a success or a business refusal), so that a retry
-- with the same request id gets the same reply. `fingerprint` is the SHA-256 of the canonical form of
-- the request's meaning: enough to tell a retry from another request, without keeping the personal
-- data an ENROLL carries.
create table terminal_requests (
    terminal_id  bigint not null references terminals (id),
    request_id   text not null check (length(request_id) between 1 and 64),
    verb         text not null,
    fingerprint  bytea not null check (length(fingerprint) = 32),
    result       jsonb not null,
    created_at   timestamptz not null default now(),
    primary key (terminal_id, request_id)
);

create trigger terminal_requests_append_only before update or delete on terminal_requests
    for each row execute function refuse_change();
create trigger terminal_requests_no_truncate before truncate on terminal_requests
    for each statement execute function refuse_change();

-- Audit log -------------------------------------------------------------------------------------

create table audit_log (
    id        bigint generated always as identity primary key,
    at        timestamptz not null default now(),
    -- Who says they acted (--actor, LOYALTY_ACTOR or the OS user) and the database role that did.
    actor     text not null check (length(actor) between 1 and 100),
    db_user   text not null default session_user,
    action    text not null,
    subject   text,
    details   jsonb not null default '{}'
);
create index audit_log_at on audit_log (at);

create trigger audit_log_append_only before update or delete on audit_log
    for each row execute function refuse_change();
create trigger audit_log_no_truncate before truncate on audit_log
    for each statement execute function refuse_change();
