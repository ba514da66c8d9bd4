-- 0007 Gift cards: batches of cards, the cards, and their activities (the balance ledger).
--
-- Invariants, enforced here (docs/giftcards.md):
--   * gift_card_activities is append-only. Every movement of money or state is one activity that
--     records its origin (terminal and request, or actor), its time and the resulting balance.
--   * gift_cards.balance and gift_cards.held are maintained by the activity trigger alone, in the same
--     statement as the activity: the balance is always the sum of the card's activities' amounts, and
--     the held amount the sum of their held changes. Direct changes of money or state are refused.
--   * No balance is negative and the held amount never exceeds the balance (CHECKs on gift_cards), so
--     a held amount cannot be spent twice and no redemption overspends a card, whatever the callers do.
--   * The lifecycle inactive → active ⇄ blocked → closed is enforced by the trigger: an activity that
--     the card's state does not allow is refused.
--   * A hold is captured or released at most once (unique hold_id).
--   * Codes and PINs are never stored: only keyed hashes (HMAC-SHA256 with the installation key,
--     computed by the caller) and the code's last four characters.
--
-- New SQLSTATEs (class LY, see 0001): LY429 rate limited, LY431 insufficient funds, LY432 card
-- inactive, LY433 card blocked, LY434 card closed, LY435 card expired, LY436 card already active,
-- LY437 PIN required, LY438 wrong PIN, LY439 hold closed, LY441 currency mismatch.

create table gift_card_batches (
    id             bigint generated always as identity primary key,
    currency       text not null check (currency ~ '^[A-Z]{3}$'),
    -- Decimal places of the currency (ISO 4217), for amounts in messages.
    minor_digits   smallint not null check (minor_digits between 0 and 4),
    -- The value of each card: loaded at issue (active batches) or at the till's activation; null for
    -- cards sold with a value the till chooses.
    amount         bigint check (amount between 1 and 99999999999),
    card_count     int not null check (card_count between 1 and 100000),
    expires_on     date,
    with_pin       boolean not null,
    issued_active  boolean not null,
    note           text check (length(note) between 1 and 200),
    issued_by      text not null check (length(issued_by) between 1 and 100),
    issued_at      timestamptz not null default now(),
    voided_by      text check (length(voided_by) between 1 and 100),
    voided_at      timestamptz,
    void_reason    text check (length(void_reason) between 1 and 500),
    check (not issued_active or amount is not null),
    check ((voided_at is null) = (voided_by is null) and (voided_at is null) = (void_reason is null))
);

create table gift_cards (
    id            bigint generated always as identity primary key,
    batch_id      bigint not null references gift_card_batches (id),
    -- HMAC-SHA256 of the code (and of code and PIN) under the installation key.
    code_hash     bytea not null unique check (length(code_hash) = 32),
    code_last4    text not null check (code_last4 ~ '^[2-9A-HJKMNP-Z]{4}$'),
    pin_hash      bytea check (length(pin_hash) = 32),
    currency      text not null check (currency ~ '^[A-Z]{3}$'),
    balance       bigint not null default 0,
    held          bigint not null default 0 check (held >= 0),
    state         text not null default 'inactive' check (state in ('inactive', 'active', 'blocked', 'closed')),
    -- The last day the card can be used (inclusive, in the programme's time zone); null for never.
    expires_on    date,
    member_id     bigint references members (id),
    -- Wrong PINs since the last right one (or the last unblock).
    pin_failures  int not null default 0 check (pin_failures >= 0),
    created_at    timestamptz not null default now(),
    updated_at    timestamptz not null default now(),
    constraint gift_cards_balance_not_negative check (balance >= 0),
    constraint gift_cards_held_within_balance check (held <= balance)
);
create index gift_cards_batch_last4 on gift_cards (batch_id, code_last4);
create index gift_cards_member on gift_cards (member_id) where member_id is not null;
create index gift_cards_expiring on gift_cards (expires_on) where balance > 0 and expires_on is not null;

create table gift_card_activities (
    id             bigint generated always as identity primary key,
    card_id        bigint not null references gift_cards (id),
    kind           text not null check (kind in ('activate', 'load', 'redeem', 'refund', 'adjust', 'block', 'unblock',
                                                 'close', 'expire', 'hold', 'capture', 'release')),
    -- The change of the balance and of the held amount, in minor units of the card's currency.
    amount         bigint not null,
    held_change    bigint not null default 0,
    -- Set by the trigger.
    balance_after  bigint not null,
    held_after     bigint not null,
    -- capture and release: the hold they end. hold: when it is released if nobody captures it.
    hold_id        bigint unique references gift_card_activities (id),
    hold_until     timestamptz,
    -- Origin: a terminal's request, or an administrator or job (actor).
    terminal_id    bigint references terminals (id),
    request_id     text,
    store_code     text,
    actor          text check (length(actor) between 1 and 100),
    receipt        text check (length(receipt) between 1 and 64),
    reason         text check (length(reason) between 1 and 500),
    created_at     timestamptz not null default now(),
    check ((terminal_id is null) = (request_id is null)),
    check ((terminal_id is null) <> (actor is null)),
    constraint gift_card_activities_shape check (case kind
        when 'activate' then amount > 0 and held_change = 0
        when 'load'     then amount > 0 and held_change = 0
        when 'refund'   then amount > 0 and held_change = 0
        when 'redeem'   then amount < 0 and held_change = 0
        when 'adjust'   then amount <> 0 and held_change = 0 and actor is not null and reason is not null
        when 'block'    then amount = 0 and held_change = 0 and reason is not null
        when 'unblock'  then amount = 0 and held_change = 0 and reason is not null
        when 'close'    then amount <= 0 and held_change = 0 and reason is not null
        when 'expire'   then amount < 0 and held_change = 0
        when 'hold'     then amount = 0 and held_change > 0 and hold_until is not null
        when 'capture'  then amount < 0 and held_change < 0 and hold_id is not null and -amount <= -held_change
        when 'release'  then amount = 0 and held_change < 0 and hold_id is not null
    end),
    check ((kind in ('capture', 'release')) = (hold_id is not null)),
    check ((kind = 'hold') = (hold_until is not null))
);
create index gift_card_activities_card on gift_card_activities (card_id, id);
-- Holds that may still be open, for the release job.
create index gift_card_activities_hold_until on gift_card_activities (hold_until) where kind = 'hold';
-- Reports per store and day.
create index gift_card_activities_created on gift_card_activities (created_at);

-- Raises the refusal for an activity the card's state does not allow.
create function loyalty_refuse_card_state(p_state text) returns void
language plpgsql immutable as $$
begin
    case p_state
        when 'inactive' then raise exception 'the gift card is not activated yet' using errcode = 'LY432';
        when 'blocked' then raise exception 'the gift card is blocked' using errcode = 'LY433';
        when 'closed' then raise exception 'the gift card is closed' using errcode = 'LY434';
        else raise exception 'the gift card is already active' using errcode = 'LY436';
    end case;
end
$$;

-- Applies an activity to its card: checks that the card's state allows it, moves the state, updates the
-- balance and the held amount, and stamps the results on the activity. The card's CHECKs refuse an
-- activity that would take the balance below zero or below the held amount.
create function gift_card_activities_apply() returns trigger
language plpgsql as $$
declare
    card gift_cards%rowtype;
    hold gift_card_activities%rowtype;
    next_state text;
begin
    select * into card from gift_cards where id = new.card_id for update;
    if not found then
        raise exception 'no gift card %', new.card_id using errcode = 'LY500';
    end if;
    next_state := case new.kind
        when 'activate' then case when card.state = 'inactive' then 'active' end
        when 'block' then case when card.state = 'active' then 'blocked' end
        when 'unblock' then case when card.state = 'blocked' then 'active' end
        when 'close' then case when card.state <> 'closed' then 'closed' end
        when 'adjust' then case when card.state in ('active', 'blocked') then card.state end
        when 'expire' then case when card.state in ('active', 'blocked') then card.state end
        -- A hold authorised before a block can still be captured or released.
        when 'release' then case when card.state in ('active', 'blocked') then card.state end
        when 'capture' then case when card.state in ('active', 'blocked') then card.state end
        else case when card.state = 'active' then 'active' end
    end;
    if next_state is null then
        perform loyalty_refuse_card_state(card.state);
    end if;
    if new.kind in ('capture', 'release') then
        select * into hold from gift_card_activities where id = new.hold_id;
        if hold.kind is distinct from 'hold' or hold.card_id <> new.card_id or new.held_change <> -hold.held_change then
            raise exception 'activity % does not end hold %', new.kind, new.hold_id using errcode = 'LY500';
        end if;
        -- Refused here rather than left to the unique index: an INSERT … ON CONFLICT DO NOTHING would
        -- otherwise have changed the card (this trigger runs first) and then dropped the row.
        if exists (select 1 from gift_card_activities a where a.hold_id = new.hold_id) then
            raise exception 'hold % was already ended', new.hold_id using errcode = 'LY439';
        end if;
    end if;
    -- The same for an id given explicitly (OVERRIDING SYSTEM VALUE).
    if exists (select 1 from gift_card_activities a where a.id = new.id) then
        raise exception 'gift card activity % exists', new.id using errcode = 'LY405';
    end if;
    -- Closing and expiring take the whole balance, after every hold was ended.
    if new.kind in ('close', 'expire') and (card.balance + new.amount <> 0 or card.held <> 0) then
        raise exception '% must take the whole balance of a card without open holds', new.kind using errcode = 'LY405';
    end if;
    update gift_cards
       set balance = balance + new.amount, held = held + new.held_change, state = next_state, updated_at = now()
     where id = new.card_id
    returning balance, held into new.balance_after, new.held_after;
    return new;
end
$$;

create trigger gift_card_activities_apply before insert on gift_card_activities
    for each row execute function gift_card_activities_apply();
create trigger gift_card_activities_append_only before update or delete on gift_card_activities
    for each row execute function refuse_change();
create trigger gift_card_activities_no_truncate before truncate on gift_card_activities
    for each statement execute function refuse_change();

-- Money and state change only through the activity trigger (trigger depth 2). A direct UPDATE may
-- change only the member link, the PIN failure count and updated_at; a card is never deleted.
create function gift_cards_guard() returns trigger
language plpgsql as $$
begin
    if tg_op = 'INSERT' then
        if new.balance <> 0 or new.held <> 0 or new.state <> 'inactive' then
            raise exception 'a gift card starts inactive and empty' using errcode = 'LY405';
        end if;
        return new;
    end if;
    if tg_op = 'UPDATE' and new.id = old.id and new.code_hash = old.code_hash and new.batch_id = old.batch_id
       and new.code_last4 = old.code_last4 and new.created_at = old.created_at
       and new.currency = old.currency and new.pin_hash is not distinct from old.pin_hash
       and new.expires_on is not distinct from old.expires_on
       and (pg_trigger_depth() >= 2 or (new.balance = old.balance and new.held = old.held and new.state = old.state)) then
        return new;
    end if;
    raise exception 'gift_cards is maintained by its activities: % refused', tg_op using errcode = 'LY405';
end
$$;

create trigger gift_cards_guard before insert or update or delete on gift_cards
    for each row execute function gift_cards_guard();
create trigger gift_cards_no_truncate before truncate on gift_cards
    for each statement execute function refuse_change();

-- Wrong codes and wrong PINs sent by terminals: the rate limit counts them, and they stay as a record
-- of attempts to guess.
create table gift_card_failures (
    id           bigint generated always as identity primary key,
    terminal_id  bigint not null references terminals (id),
    card_id      bigint references gift_cards (id),
    kind         text not null check (kind in ('code', 'pin')),
    at           timestamptz not null default now()
);
create index gift_card_failures_terminal on gift_card_failures (terminal_id, at);

create trigger gift_card_failures_append_only before update or delete on gift_card_failures
    for each row execute function refuse_change();

-- Minor units as a decimal amount with the currency: (1250, 2, 'EUR') → '12.50 EUR', (-5, 2, 'EUR') →
-- '-0.05 EUR', (1500, 0, 'JPY') → '1500 JPY'.
create function loyalty_money_text(p_minor bigint, p_digits int, p_currency text) returns text
language sql immutable as $$
    select case when p_minor < 0 then '-' else '' end
           || case when p_digits = 0 then abs(p_minor)::text
                   else (abs(p_minor) / (10 ^ p_digits)::bigint)::text || '.'
                        || lpad((abs(p_minor) % (10 ^ p_digits)::bigint)::text, p_digits, '0') end
           || ' ' || p_currency
$$;

-- The state a person sees: the stored state, or 'expired' once the last day has passed.
create function loyalty_gift_card_state(p_card gift_cards, p_today date) returns text
language sql immutable as $$
    select case when p_card.state <> 'closed' and p_card.expires_on < p_today then 'expired' else p_card.state end
$$;

-- Releases the card's open holds (p_expired_only: only those whose time has run out), as p_actor
-- ('system' when a till's request notices), giving p_reason. Returns how many it released.
create function loyalty_release_holds(p_card bigint, p_actor text, p_reason text, p_expired_only boolean) returns int
language plpgsql as $$
declare
    released int;
begin
    insert into gift_card_activities (card_id, kind, amount, held_change, hold_id, actor, reason)
    select h.card_id, 'release', 0, -h.held_change, h.id, p_actor, p_reason
      from gift_card_activities h
     where h.card_id = p_card and h.kind = 'hold' and (not p_expired_only or h.hold_until <= now())
       and not exists (select 1 from gift_card_activities c where c.hold_id = h.id)
     order by h.id;
    get diagnostics released = row_count;
    return released;
end
$$;

-- Refuses a terminal that sent too many wrong codes or PINs within the window (not recorded: a
-- retry after the window is answered normally).
create function loyalty_gift_rate_check(p_terminal bigint, p_gift jsonb) returns void
language plpgsql stable as $$
declare
    recent int;
    window_minutes int := (p_gift ->> 'failure_window_minutes')::int;
begin
    select count(*) into recent from (
        select 1 from gift_card_failures
         where terminal_id = p_terminal and at > now() - make_interval(mins => window_minutes)
         limit (p_gift ->> 'terminal_failures')::int) f;
    if recent >= (p_gift ->> 'terminal_failures')::int then
        raise exception 'too many wrong gift card codes or PINs from this terminal; wait up to % minutes', window_minutes
            using errcode = 'LY429';
    end if;
end
$$;

-- The reply shared by every gift-card request: the card's state and money after it.
create function loyalty_gift_card_reply(p_card bigint, p_today date) returns jsonb
language sql stable as $$
    select jsonb_strip_nulls(jsonb_build_object(
        'card', c.code_last4, 'state', loyalty_gift_card_state(c, p_today), 'currency', c.currency,
        'balance', c.balance, 'held', c.held, 'available', c.balance - c.held, 'expires', c.expires_on,
        'member', (select m.number from members m where m.id = c.member_id)))
      from gift_cards c where c.id = p_card
$$;

-- Every gift-card request of a till (GIFT BALANCE, ACTIVATE, LOAD, REDEEM, REFUND, HOLD, CAPTURE,
-- RELEASE), in one call and one transaction: the idempotency check, the rate limit, the card lookup by
-- code hash, the PIN, the activity, and the idempotency record. p_request is null for BALANCE, which
-- records nothing but failures.
--
-- Wrong codes and wrong PINs are written outside the block that is rolled back on refusal, so they are
-- kept: they count towards the terminal's limit, and wrong PINs towards the card's.
create function loyalty_gift(
    p_terminal bigint, p_request text, p_verb text, p_fingerprint text,
    p_code_hash bytea, p_pin_hash bytea,
    p_amount bigint, p_currency text, p_partial boolean, p_hold bigint, p_receipt text,
    p_member_kind text, p_member_value text,
    p_gift jsonb, p_time_zone text
) returns jsonb
language plpgsql as $$
declare
    result jsonb;
    refused_state text;
    refused_message text;
    refused_constraint text;
    store text;
    card gift_cards%rowtype;
    batch gift_card_batches%rowtype;
    hold gift_card_activities%rowtype;
    today date := loyalty_local_date(p_time_zone);
    needs_pin boolean := p_verb in ('GIFT BALANCE', 'GIFT REDEEM', 'GIFT HOLD');
    available bigint;
    taken bigint;
    activity bigint;
    extra jsonb := '{}';
begin
    if p_request is not null then
        result := loyalty_replay(p_terminal, p_request, p_verb, p_fingerprint);
        if result is not null then
            return result;
        end if;
    end if;
    store := loyalty_terminal_store(p_terminal);
    perform loyalty_gift_rate_check(p_terminal, p_gift);

    select * into card from gift_cards where code_hash = p_code_hash for update;
    if not found then
        insert into gift_card_failures (terminal_id, kind) values (p_terminal, 'code');
        result := loyalty_refusal('LY404', 'no gift card with this code', null);
    elsif needs_pin and card.pin_hash is not null and card.state in ('blocked', 'closed') then
        -- Refused before the PIN is compared: a blocked card must not confirm a guessed PIN.
        result := loyalty_refusal(case card.state when 'blocked' then 'LY433' else 'LY434' end,
                                  'the gift card is ' || card.state, null);
    elsif needs_pin and card.pin_hash is not null and card.pin_failures >= (p_gift ->> 'pin_attempts')::int then
        -- A card that is not active (printed, unsold) cannot be blocked; its count stops the guessing.
        result := loyalty_refusal('LY433', 'too many wrong PINs for this gift card', null);
    elsif needs_pin and card.pin_hash is not null and p_pin_hash is null then
        result := loyalty_refusal('LY437', 'this gift card needs its PIN (pin=)', null);
    elsif needs_pin and card.pin_hash is not null and p_pin_hash <> card.pin_hash then
        insert into gift_card_failures (terminal_id, card_id, kind) values (p_terminal, card.id, 'pin');
        update gift_cards set pin_failures = pin_failures + 1 where id = card.id returning * into card;
        if card.pin_failures >= (p_gift ->> 'pin_attempts')::int and card.state = 'active' then
            insert into gift_card_activities (card_id, kind, amount, actor, reason)
            values (card.id, 'block', 0, 'system', format('%s wrong PINs in a row', card.pin_failures));
            result := loyalty_refusal('LY438', 'wrong PIN; the gift card is now blocked', null);
        else
            result := loyalty_refusal('LY438', 'wrong PIN', null);
        end if;
    else
        select * into batch from gift_card_batches where id = card.batch_id;
        -- A right PIN starts the count again, whatever becomes of the request.
        if needs_pin and card.pin_failures > 0 then
            update gift_cards set pin_failures = 0 where id = card.id;
        end if;
        begin
            if card.held > 0 then
                perform loyalty_release_holds(card.id, 'system', 'hold expired', true);
                select * into card from gift_cards where id = card.id;
            end if;
            if p_amount is not null and p_amount <= 0 then
                raise exception 'an amount must be positive' using errcode = 'LY400';
            end if;
            if p_currency is not null and p_currency <> card.currency then
                raise exception 'the gift card is in %, not %', card.currency, p_currency using errcode = 'LY441';
            end if;
            -- A hold made before the card's last day can still be captured or released until it runs out.
            if p_verb not in ('GIFT BALANCE', 'GIFT CAPTURE', 'GIFT RELEASE') and card.state <> 'closed' and card.expires_on < today then
                raise exception 'the gift card expired on %', card.expires_on using errcode = 'LY435';
            end if;
            -- The trigger enforces the lifecycle; refusing here first gives the state's reason rather than
            -- an amount's.
            if p_verb not in ('GIFT BALANCE', 'GIFT ACTIVATE', 'GIFT CAPTURE', 'GIFT RELEASE') and card.state <> 'active' then
                perform loyalty_refuse_card_state(card.state);
            end if;
            available := card.balance - card.held;

            case p_verb
            when 'GIFT BALANCE' then
                null;
            when 'GIFT ACTIVATE' then
                if batch.amount is not null and p_amount is not null and p_amount <> batch.amount then
                    raise exception 'this gift card''s value is %', loyalty_money_text(batch.amount, batch.minor_digits, batch.currency)
                        using errcode = 'LY400';
                end if;
                taken := coalesce(p_amount, batch.amount);
                if taken is null then
                    raise exception 'this gift card has no printed value: give amount= and currency=' using errcode = 'LY400';
                end if;
                -- The sale starts the PIN count again (guesses before it are counted, not blocked).
                update gift_cards set pin_failures = 0 where id = card.id and pin_failures > 0;
                if p_member_kind is not null then
                    update gift_cards set member_id = loyalty_member_id(p_member_kind, p_member_value) where id = card.id;
                end if;
                insert into gift_card_activities (card_id, kind, amount, terminal_id, request_id, store_code, receipt)
                values (card.id, 'activate', taken, p_terminal, p_request, store, p_receipt)
                returning id into activity;
                extra := jsonb_build_object('loaded', taken);
            when 'GIFT LOAD' then
                insert into gift_card_activities (card_id, kind, amount, terminal_id, request_id, store_code, receipt)
                values (card.id, 'load', p_amount, p_terminal, p_request, store, p_receipt)
                returning id into activity;
                extra := jsonb_build_object('loaded', p_amount);
            when 'GIFT REFUND' then
                -- Money comes back onto a card only up to what was paid with it.
                select coalesce(sum(-a.amount) filter (where a.kind in ('redeem', 'capture')), 0)
                       - coalesce(sum(a.amount) filter (where a.kind = 'refund'), 0)
                  into available
                  from gift_card_activities a where a.card_id = card.id;
                if p_amount > available then
                    raise exception 'a refund cannot exceed what was paid with the card (% left to refund)',
                        loyalty_money_text(available, batch.minor_digits, card.currency) using errcode = 'LY422';
                end if;
                insert into gift_card_activities (card_id, kind, amount, terminal_id, request_id, store_code, receipt)
                values (card.id, 'refund', p_amount, p_terminal, p_request, store, p_receipt)
                returning id into activity;
                extra := jsonb_build_object('refunded', p_amount);
            when 'GIFT REDEEM', 'GIFT HOLD' then
                taken := case when p_partial then least(p_amount, available) else p_amount end;
                if taken > available or taken <= 0 then
                    raise exception 'available %, requested %', loyalty_money_text(available, batch.minor_digits, card.currency),
                        loyalty_money_text(p_amount, batch.minor_digits, card.currency) using errcode = 'LY431';
                end if;
                if p_verb = 'GIFT REDEEM' then
                    insert into gift_card_activities (card_id, kind, amount, terminal_id, request_id, store_code, receipt)
                    values (card.id, 'redeem', -taken, p_terminal, p_request, store, p_receipt)
                    returning id into activity;
                    extra := jsonb_build_object('redeemed', taken, 'due', p_amount - taken);
                else
                    insert into gift_card_activities (card_id, kind, amount, held_change, hold_until,
                                                      terminal_id, request_id, store_code, receipt)
                    values (card.id, 'hold', 0, taken, now() + make_interval(mins => (p_gift ->> 'hold_minutes')::int),
                            p_terminal, p_request, store, p_receipt)
                    returning id, jsonb_build_object('hold', id, 'held_amount', taken, 'due', p_amount - taken,
                                                     'hold_until', to_char(hold_until at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'))
                         into activity, extra;
                end if;
            when 'GIFT CAPTURE', 'GIFT RELEASE' then
                -- Only the store (or, without a store, the terminal) that made a hold may end it.
                select * into hold from gift_card_activities a
                 where a.id = p_hold and a.card_id = card.id and a.kind = 'hold'
                   and (a.terminal_id = p_terminal or a.store_code = store);
                if not found then
                    raise exception 'no hold % on this gift card made in this store', p_hold using errcode = 'LY404';
                end if;
                if exists (select 1 from gift_card_activities a where a.hold_id = hold.id) then
                    raise exception 'hold % was already %', hold.id,
                        (select case a.kind when 'capture' then 'captured'
                                            else case when a.actor is null then 'released' else 'released (it expired)' end end
                           from gift_card_activities a where a.hold_id = hold.id)
                        using errcode = 'LY439';
                end if;
                if p_verb = 'GIFT CAPTURE' then
                    taken := coalesce(p_amount, hold.held_change);
                    if taken > hold.held_change then
                        raise exception 'capture of % exceeds the hold of %', loyalty_money_text(taken, batch.minor_digits, card.currency),
                            loyalty_money_text(hold.held_change, batch.minor_digits, card.currency) using errcode = 'LY400';
                    end if;
                    insert into gift_card_activities (card_id, kind, amount, held_change, hold_id,
                                                      terminal_id, request_id, store_code, receipt)
                    values (card.id, 'capture', -taken, -hold.held_change, hold.id, p_terminal, p_request, store, p_receipt)
                    returning id into activity;
                    extra := jsonb_build_object('captured', taken, 'released', hold.held_change - taken);
                else
                    insert into gift_card_activities (card_id, kind, amount, held_change, hold_id,
                                                      terminal_id, request_id, store_code)
                    values (card.id, 'release', 0, -hold.held_change, hold.id, p_terminal, p_request, store)
                    returning id into activity;
                    extra := jsonb_build_object('released', hold.held_change);
                end if;
            else
                raise exception 'unknown gift card verb %', p_verb using errcode = 'LY400';
            end case;
            result := loyalty_gift_card_reply(card.id, today) || extra
                      || jsonb_strip_nulls(jsonb_build_object('activity', activity));
        exception when sqlstate 'LY400' or sqlstate 'LY404' or sqlstate 'LY422' or sqlstate 'LY431'
                    or sqlstate 'LY432' or sqlstate 'LY433' or sqlstate 'LY434' or sqlstate 'LY435'
                    or sqlstate 'LY436' or sqlstate 'LY439' or sqlstate 'LY441' then
            get stacked diagnostics refused_state = returned_sqlstate, refused_message = message_text,
                                    refused_constraint = constraint_name;
            result := loyalty_refusal(refused_state, refused_message, refused_constraint);
        end;
    end if;
    if p_request is not null then
        perform loyalty_record_request(p_terminal, p_request, p_verb, p_fingerprint, result);
    end if;
    return result;
end
$$;
