-- 0012 Campaigns: acquisition sources on members, the campaign send (send list with a holdout), the
-- win-back bonus for contacted members only, and what the attribution reports read. Tables are in 0010.
--
-- Invariants here:
--   * A member's source is a known acquisition source (foreign key of 0010); naming an unknown one is
--     refused (LY400) before anything is written.
--   * A campaign is sent once: loyalty_send_campaign locks the campaign and refuses a second send (LY409);
--     the send list, the send time and the segment's filter are written in the same transaction.
--   * A campaign's send list cannot change after the send: no rows are added to a sent campaign, none
--     are deleted, and the only update is blanking an address (erasure of personal data).
--   * A campaign's bonus promotion rewards only the members the campaign contacted.

-- Sources on members ----------------------------------------------------------------------------

-- The id of the acquisition source `p_code`; null for null; LY400 for an unknown code.
create function loyalty_source_id(p_code text) returns bigint
language plpgsql stable as $$
declare
    v_id bigint;
begin
    if p_code is null then
        return null;
    end if;
    select id into v_id from acquisition_sources where code = p_code;
    if v_id is null then
        raise exception 'no acquisition source %; see `loyalty source list`', p_code using errcode = 'LY400';
    end if;
    return v_id;
end
$$;

-- ENROLL and `member add` with an acquisition source: loyalty_enroll (unchanged), then the source on the
-- new member, in the same transaction. An unknown source is refused before the member is created.
create function loyalty_enroll_from_source(
    p_source text,
    p_terminal bigint, p_request text, p_fingerprint text, p_admin text,
    p_first_name text, p_last_name text, p_email text, p_phone text, p_birth_date date,
    p_email_consent boolean, p_sms_consent boolean,
    p_address_line1 text, p_address_line2 text, p_postal_code text, p_city text, p_country text,
    p_preferred_store text, p_source_channel text, p_source_campaign text, p_external_id text,
    p_tags text[]
) returns jsonb
language plpgsql as $$
declare
    v_source bigint := loyalty_source_id(p_source);
    result jsonb;
begin
    result := loyalty_enroll(p_terminal, p_request, p_fingerprint, p_admin, p_first_name, p_last_name, p_email,
                             p_phone, p_birth_date, p_email_consent, p_sms_consent, p_address_line1, p_address_line2,
                             p_postal_code, p_city, p_country, p_preferred_store, p_source_channel, p_source_campaign,
                             p_external_id, p_tags);
    if v_source is not null and result ? 'member' then
        update members set source_id = v_source where number = result ->> 'member' and source_id is distinct from v_source;
        if found and p_admin is not null then
            insert into audit_log (actor, action, subject, details)
            values (p_admin, 'member.source', result ->> 'member', jsonb_build_object('source', p_source));
        end if;
    end if;
    return result;
end
$$;

-- Campaigns -------------------------------------------------------------------------------------

-- EARN asks, per promotion, whether a campaign carries it.
create index campaigns_promotion on campaigns (promotion_id) where promotion_id is not null;

-- The send list is written by the send alone: no rows for a sent campaign, no deletes, and no updates
-- except blanking an address (the erasure of a member's personal data).
create function campaign_members_guard() returns trigger
language plpgsql as $$
begin
    if tg_op = 'DELETE' then
        raise exception 'a campaign''s send list cannot be changed' using errcode = 'LY400';
    end if;
    if tg_op = 'UPDATE' then
        if new.address is null and (new.campaign_id, new.member_id, new.arm, new.contacted_at)
                is not distinct from (old.campaign_id, old.member_id, old.arm, old.contacted_at) then
            return new;
        end if;
        raise exception 'a campaign''s send list cannot be changed' using errcode = 'LY400';
    end if;
    if exists (select 1 from campaigns c where c.id = new.campaign_id and c.sent_at is not null) then
        raise exception 'campaign % was sent; its send list cannot be changed', new.campaign_id using errcode = 'LY409';
    end if;
    return new;
end
$$;

create trigger campaign_members_guard before insert or update or delete on campaign_members
    for each row execute function campaign_members_guard();

-- Once sent, a campaign's send facts (time, sender, segment and filter, holdout share) stay as they were.
create function campaigns_sent_guard() returns trigger
language plpgsql as $$
begin
    if tg_op = 'DELETE' then
        raise exception 'campaigns are not deleted' using errcode = 'LY400';
    end if;
    if old.sent_at is not null and (new.sent_at is distinct from old.sent_at or new.sent_by is distinct from old.sent_by
            or new.segment_name is distinct from old.segment_name or new.segment_filter is distinct from old.segment_filter
            or new.holdout_percent is distinct from old.holdout_percent or new.channel is distinct from old.channel) then
        raise exception 'campaign % was sent; its send cannot be changed', old.code using errcode = 'LY409';
    end if;
    return new;
end
$$;

create trigger campaigns_sent_guard before update or delete on campaigns
    for each row execute function campaigns_sent_guard();

-- Whether a member is in a campaign's holdout: a hash of the campaign and the member, uniform on 0..99,
-- below the holdout share. Deterministic (the same campaign and member always land in the same arm) and
-- independent of anything about the member, so the arms are comparable.
create function loyalty_campaign_bucket(p_campaign bigint, p_member bigint) returns int
language sql immutable as $$
    select (('x' || substr(md5(p_campaign::text || ':' || p_member::text), 1, 8))::bit(32)::bigint % 100)::int
$$;

-- `campaign send`: evaluates the campaign's segment now, keeps the active members who consented to the
-- campaign's channel and have an address for it, puts the holdout share of them in the holdout and
-- contacts the rest (contact time now, the address used), stores the segment's filter, marks the
-- campaign sent and audits it, in one transaction. Returns the counts: contacted, holdout, and the
-- members left out by reason (closed, suspended, no consent, no address).
create function loyalty_send_campaign(p_code text, p_today date, p_lapse jsonb, p_actor text) returns jsonb
language plpgsql as $$
declare
    v_campaign campaigns%rowtype;
    v_filter jsonb;
    v_contacted bigint;
    v_holdout bigint;
    v_left_out jsonb;
    result jsonb;
begin
    select * into v_campaign from campaigns where code = p_code for update;
    if not found then
        raise exception 'no campaign %', p_code using errcode = 'LY404';
    end if;
    if v_campaign.sent_at is not null then
        raise exception 'campaign % was sent on %; a campaign is sent once (create a new one)',
            p_code, to_char(v_campaign.sent_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') using errcode = 'LY409';
    end if;
    select filter into v_filter from segments where name = v_campaign.segment_name;
    if v_filter is null then
        raise exception 'the segment % of campaign % does not exist any more', v_campaign.segment_name, p_code
            using errcode = 'LY400';
    end if;

    with candidates as materialized (
        select m.id as member_id, case when v_campaign.channel = 'email' then m.email else m.phone end as address,
               loyalty_campaign_bucket(v_campaign.id, m.id) < v_campaign.holdout_percent as held_out,
               case when m.status = 'closed' then 'closed'
                    when m.status = 'suspended' then 'suspended'
                    when not (case when v_campaign.channel = 'email' then m.email_consent else m.sms_consent end)
                        then 'no consent'
                    when (case when v_campaign.channel = 'email' then m.email else m.phone end) is null then 'no address'
               end as reason
          from loyalty_segment_members(v_filter, p_today, p_lapse) s
          join members m on m.id = s.member_id
    ), recorded as (
        insert into campaign_members (campaign_id, member_id, arm, contacted_at, address)
        select v_campaign.id, c.member_id, case when c.held_out then 'holdout' else 'contacted' end,
               case when not c.held_out then now() end, case when not c.held_out then c.address end
          from candidates c
         where c.reason is null
        returning arm
    )
    select (select count(*) from recorded where arm = 'contacted'), (select count(*) from recorded where arm = 'holdout'),
           (select coalesce(jsonb_object_agg(reason, n), '{}')
              from (select reason, count(*) as n from candidates where reason is not null group by reason) r)
      into v_contacted, v_holdout, v_left_out;

    update campaigns set sent_at = now(), sent_by = p_actor, segment_filter = v_filter where id = v_campaign.id;

    result := jsonb_build_object('contacted', v_contacted, 'holdout', v_holdout, 'left_out', v_left_out);
    insert into audit_log (actor, action, subject, details)
    values (p_actor, 'campaign.send', p_code,
            jsonb_build_object('segment', v_campaign.segment_name, 'filter', v_filter, 'channel', v_campaign.channel,
                               'holdout_percent', v_campaign.holdout_percent) || result);
    return result;
end
$$;

-- EARN: the promotions a purchase earns (as in 0004), and a campaign's bonus promotion only for the
-- members that campaign contacted. Both lookups are by index (campaigns_promotion, and campaign_members'
-- primary key), so the till path stays one cheap call.
create or replace function loyalty_promotion_awards(
    p_member bigint, p_purchase bigint, p_store text, p_base bigint, p_amount_minor bigint, p_currency text,
    p_rules jsonb
) returns table (promotion_id bigint, code text, points bigint)
language sql stable as $$
    with today as (select (now() at time zone (p_rules->>'time_zone'))::date as day)
    select p.id, p.code,
           case when p.multiplier_percent is not null then loyalty_percent_bonus(p_base, p.multiplier_percent)
                else p.bonus_points end
      from promotions p, today, members m
     where m.id = p_member
       and p.status = 'active'
       and today.day between p.starts_on and p.ends_on
       and (p.stores is null or p_store = any (p.stores))
       and (p.min_spend_minor is null or (p.min_spend_currency = p_currency and p_amount_minor >= p.min_spend_minor))
       and case p.condition
               when 'any' then true
               when 'first-purchase' then not exists (
                   select 1 from purchases q where q.member_id = p_member and q.kind = 'sale' and q.id <> p_purchase)
               when 'birthday-month' then extract(month from m.birth_date) = extract(month from today.day)
           end
       and (p.limit_per_member is null or p.limit_per_member > (
               select count(*) from point_entry_items i
                where i.promotion_id = p.id and i.member_id = p_member and i.points > 0))
       and (not exists (select 1 from campaigns c where c.promotion_id = p.id)
            or exists (select 1 from campaigns c
                         join campaign_members cm on cm.campaign_id = c.id and cm.member_id = p_member
                        where c.promotion_id = p.id and cm.arm = 'contacted'))
     order by p.code
$$;
