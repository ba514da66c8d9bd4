-- 0008 Gift card administration: issuing batches, voiding them, an administrator's block, unblock,
-- adjustment and close of one card, the member link, and the job that releases expired holds and
-- expires cards past their last day. Every change is audited; every movement is an activity (0007).

-- `giftcard issue`: a batch of cards whose codes (and PINs) the caller generated and hashed. Hashes
-- come as hex text, one per card; p_pin_hashes is null for cards without PIN. Cards of an active batch
-- are activated at once with the batch's amount, by the administrator. Returns the batch id.
create function loyalty_issue_gift_cards(
    p_admin text, p_currency text, p_digits int, p_amount bigint, p_expires date, p_active boolean, p_note text,
    p_code_hashes text[], p_last4s text[], p_pin_hashes text[]
) returns bigint
language plpgsql as $$
declare
    new_batch bigint;
    cards int := coalesce(cardinality(p_code_hashes), 0);
begin
    if cards = 0 or cards <> cardinality(p_last4s) or (p_pin_hashes is not null and cards <> cardinality(p_pin_hashes)) then
        raise exception 'one code (and PIN) per card expected' using errcode = 'LY400';
    end if;
    insert into gift_card_batches (currency, minor_digits, amount, card_count, expires_on, with_pin, issued_active, note, issued_by)
    values (p_currency, p_digits, p_amount, cards, p_expires, p_pin_hashes is not null, p_active, p_note, p_admin)
    returning id into new_batch;
    insert into gift_cards (batch_id, code_hash, code_last4, pin_hash, currency, expires_on)
    select new_batch, decode(c.hash, 'hex'), c.last4, decode(p_pin_hashes[c.n], 'hex'), p_currency, p_expires
      from unnest(p_code_hashes, p_last4s) with ordinality as c (hash, last4, n)
     order by c.n;
    if p_active then
        insert into gift_card_activities (card_id, kind, amount, actor, reason)
        select id, 'activate', p_amount, p_admin, 'issued active in batch ' || new_batch
          from gift_cards where gift_cards.batch_id = new_batch order by id;
    end if;
    insert into audit_log (actor, action, subject, details)
    values (p_admin, 'giftcard.issue', 'batch ' || new_batch,
            jsonb_strip_nulls(jsonb_build_object('cards', cards, 'currency', p_currency, 'amount', p_amount,
                                                 'expires', p_expires, 'pin', p_pin_hashes is not null,
                                                 'active', p_active, 'note', p_note)));
    return new_batch;
end
$$;

-- Closes a card: releases its open holds, then takes the balance off (cash-out or void).
create function loyalty_close_gift_card(p_card bigint, p_actor text, p_reason text) returns bigint
language plpgsql as $$
declare
    card gift_cards%rowtype;
    activity bigint;
begin
    perform loyalty_release_holds(p_card, p_actor, 'card closed', false);
    select * into card from gift_cards where id = p_card;
    insert into gift_card_activities (card_id, kind, amount, actor, reason)
    values (p_card, 'close', -card.balance, p_actor, p_reason)
    returning id into activity;
    return activity;
end
$$;

-- `giftcard void-batch`: closes every card of a batch that is not closed yet. Cards already sold
-- (activated) hold customers' money: they are voided only with p_force.
create function loyalty_void_gift_card_batch(p_admin text, p_batch bigint, p_reason text, p_force boolean) returns jsonb
language plpgsql as $$
declare
    batch gift_card_batches%rowtype;
    sold int;
    closed int := 0;
    card_id bigint;
begin
    if coalesce(length(p_reason), 0) = 0 then
        raise exception 'a reason is required' using errcode = 'LY400';
    end if;
    select * into batch from gift_card_batches where id = p_batch for update;
    if not found then
        raise exception 'no gift card batch %', p_batch using errcode = 'LY404';
    end if;
    if batch.voided_at is not null then
        raise exception 'batch % was voided on %', p_batch, batch.voided_at::date using errcode = 'LY409';
    end if;
    -- Lock the batch's cards first: a card a till sells meanwhile is counted, not closed unawares.
    perform 1 from gift_cards c where c.batch_id = p_batch order by c.id for update;
    select count(*) into sold from gift_cards c
     where c.batch_id = p_batch and c.state not in ('inactive', 'closed');
    if sold > 0 and not p_force then
        raise exception '% cards of batch % were sold; void with --force to close them too', sold, p_batch
            using errcode = 'LY400';
    end if;
    for card_id in select id from gift_cards where batch_id = p_batch and state <> 'closed' order by id for update loop
        perform loyalty_close_gift_card(card_id, p_admin, 'batch voided: ' || p_reason);
        closed := closed + 1;
    end loop;
    update gift_card_batches set voided_by = p_admin, voided_at = now(), void_reason = p_reason where id = p_batch;
    insert into audit_log (actor, action, subject, details)
    values (p_admin, 'giftcard.void-batch', 'batch ' || p_batch,
            jsonb_build_object('closed', closed, 'reason', p_reason, 'forced', p_force));
    return jsonb_build_object('batch', p_batch, 'closed', closed);
end
$$;

-- `giftcard block|unblock|adjust|close`: one administrator's activity on one card, audited. Unblocking
-- starts the PIN count again. Returns the card's reply (as for a till) with the activity id.
create function loyalty_gift_card_admin(
    p_admin text, p_card bigint, p_kind text, p_amount bigint, p_reason text, p_time_zone text
) returns jsonb
language plpgsql as $$
declare
    card gift_cards%rowtype;
    b gift_card_batches%rowtype;
    activity bigint;
    balance_before bigint;
begin
    if coalesce(length(p_reason), 0) = 0 then
        raise exception 'a reason is required' using errcode = 'LY400';
    end if;
    select * into card from gift_cards where id = p_card for update;
    if not found then
        raise exception 'no gift card %', p_card using errcode = 'LY404';
    end if;
    -- Holds whose time ran out are not the customer's money any more: an adjustment may take it.
    if card.held > 0 and card.state in ('active', 'blocked') then
        perform loyalty_release_holds(card.id, p_admin, 'hold expired', true);
        select * into card from gift_cards where id = p_card;
    end if;
    select * into b from gift_card_batches where id = card.batch_id;
    balance_before := card.balance;
    case p_kind
    when 'block', 'unblock' then
        insert into gift_card_activities (card_id, kind, amount, actor, reason)
        values (card.id, p_kind, 0, p_admin, p_reason)
        returning id into activity;
        if p_kind = 'unblock' then
            update gift_cards set pin_failures = 0 where id = card.id;
        end if;
    when 'adjust' then
        if coalesce(p_amount, 0) = 0 then
            raise exception 'an adjustment cannot be zero' using errcode = 'LY400';
        end if;
        -- Money added to a card past its last day would be breakage at once; taking money off is a correction.
        if p_amount > 0 and card.state <> 'closed' and card.expires_on < loyalty_local_date(p_time_zone) then
            raise exception 'the gift card expired on %', card.expires_on using errcode = 'LY435';
        end if;
        if card.balance - card.held + p_amount < 0 then
            raise exception 'the gift card has % available; taking % off would overdraw it',
                loyalty_money_text(card.balance - card.held, b.minor_digits, card.currency),
                loyalty_money_text(-p_amount, b.minor_digits, card.currency)
                using errcode = 'LY431';
        end if;
        insert into gift_card_activities (card_id, kind, amount, actor, reason)
        values (card.id, 'adjust', p_amount, p_admin, p_reason)
        returning id into activity;
    when 'close' then
        if card.state = 'closed' then
            raise exception 'the gift card is closed' using errcode = 'LY434';
        end if;
        activity := loyalty_close_gift_card(card.id, p_admin, p_reason);
    else
        raise exception 'unknown gift card action %', p_kind using errcode = 'LY400';
    end case;
    insert into audit_log (actor, action, subject, details)
    values (p_admin, 'giftcard.' || p_kind, 'card ' || card.id,
            jsonb_strip_nulls(jsonb_build_object('last4', card.code_last4, 'batch', card.batch_id, 'amount', p_amount,
                                                 'balance_before', balance_before, 'reason', p_reason,
                                                 'activity', activity)));
    return loyalty_gift_card_reply(card.id, loyalty_local_date(p_time_zone)) || jsonb_build_object('activity', activity);
end
$$;

-- `giftcard link|unlink`: the member a card shows with (null to unlink). Audited.
create function loyalty_link_gift_card(p_admin text, p_card bigint, p_kind text, p_value text) returns void
language plpgsql as $$
declare
    linked_member bigint := case when p_kind is not null then loyalty_member_id(p_kind, p_value) end;
    card gift_cards%rowtype;
begin
    update gift_cards set member_id = linked_member where id = p_card returning * into card;
    if not found then
        raise exception 'no gift card %', p_card using errcode = 'LY404';
    end if;
    insert into audit_log (actor, action, subject, details)
    values (p_admin, case when linked_member is null then 'giftcard.unlink' else 'giftcard.link' end, 'card ' || p_card,
            jsonb_strip_nulls(jsonb_build_object('last4', card.code_last4,
                                                 'member', (select m.number from members m where m.id = linked_member))));
end
$$;

-- `loyalty jobs run giftcards`: releases holds whose time ran out and expires cards past their last day
-- (an 'expire' activity takes the remaining balance off: breakage). At most p_limit cards per call, each
-- locked, so a run can be repeated and runs side by side never expire a card twice.
create function loyalty_gift_card_job(p_actor text, p_time_zone text, p_limit int) returns jsonb
language plpgsql as $$
declare
    today date := loyalty_local_date(p_time_zone);
    card gift_cards%rowtype;
    released int := 0;
    expired int := 0;
begin
    for card in
        select c.* from gift_cards c
         where c.id in (select h.card_id from gift_card_activities h
                         where h.kind = 'hold' and h.hold_until <= now()
                           and not exists (select 1 from gift_card_activities x where x.hold_id = h.id))
         order by c.id limit p_limit for update skip locked
    loop
        released := released + loyalty_release_holds(card.id, p_actor, 'hold expired', true);
    end loop;
    for card in
        select c.* from gift_cards c
         where c.balance > 0 and c.expires_on < today and c.state in ('active', 'blocked')
         order by c.id limit p_limit for update skip locked
    loop
        released := released + loyalty_release_holds(card.id, p_actor, 'hold expired', true);
        released := released + loyalty_release_holds(card.id, p_actor, 'card expired', false);
        insert into gift_card_activities (card_id, kind, amount, actor, reason)
        values (card.id, 'expire', -card.balance, p_actor, 'expired after ' || card.expires_on);
        expired := expired + 1;
    end loop;
    return jsonb_build_object('released', released, 'expired', expired);
end
$$;
