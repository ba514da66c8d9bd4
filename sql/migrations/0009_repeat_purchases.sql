-- 0009 The repeat-purchase tracker: history imports, per-member purchase metrics kept current, RFM
-- scores, the lapse rule, and saved segments. The rules are in docs/purchases.md.
--
-- Purchase days. A purchase day is a day in the programme's time zone on which the member made at least
-- one sale (several receipts on one day count once; a return is not a visit). Gaps are the days between
-- consecutive purchase days.
--
-- Kept current without a full recompute, and without work on the till path beyond one queue row: every
-- insert into purchases queues its members (purchase_metrics_queue, one row per member, never a
-- programme-wide row), and loyalty_refresh_purchase_metrics recomputes the queued members only.
--
-- p_lapse (built by LapseRule+Database.swift; every key is always present):
--   rule              text  'days' | 'gap'
--   days              int   'days': lapsed when the last purchase day is more than this many days ago
--   multiple_percent  int   'gap': threshold = multiple × the member's median gap (300 = 3×), rounded up
--   floor_days        int   'gap': the threshold is never below this; a one-day customer's threshold
--   at_risk_percent   int   at risk when more than this share of the threshold has passed

-- Purchases from history ------------------------------------------------------------------------

create table purchase_imports (
    id               bigint generated always as identity primary key,
    file_name        text not null check (length(file_name) between 1 and 500),
    file_sha256      bytea not null check (length(file_sha256) = 32),
    actor            text not null check (length(actor) between 1 and 100),
    imported_at      timestamptz not null default now(),
    lines            int not null check (lines >= 0),
    skipped_lines    int not null check (skipped_lines >= 0),
    receipts         int not null check (receipts >= 0),
    returns          int not null check (returns >= 0),
    already_imported int not null check (already_imported >= 0),
    members_created  int not null check (members_created >= 0)
);

create trigger purchase_imports_append_only before update or delete on purchase_imports
    for each row execute function refuse_change();

alter table purchases
    add column import_id bigint references purchase_imports (id),
    -- An imported return (a cancelled invoice) names no original: the export does not say which sale
    -- it takes back. A return at the till always does.
    drop constraint purchases_check,
    add constraint purchases_return_of check (
        case kind when 'sale' then returns_purchase_id is null
                  else returns_purchase_id is not null or source = 'import' end),
    add constraint purchases_import check ((source = 'import') = (import_id is not null));

-- Re-importing a file (or an overlapping one) adds each receipt once.
create unique index purchases_import_receipt on purchases ((coalesce(store_code, '')), receipt)
    where source = 'import';
-- Cohort and history reports read sales by time.
create index purchases_time on purchases (purchased_at);

-- A local time from an import file (`2010-12-01 08:26:00`, in the programme's time zone) or one with an
-- offset (`…+01:00`).
create function loyalty_import_time(p_text text, p_time_zone text) returns timestamptz
language sql stable strict as $$
    select case when p_text ~ '[+-][0-9]{2}:[0-9]{2}$' then p_text::timestamptz
                else p_text::timestamp at time zone p_time_zone end
$$;

-- Merges the lines the caller copied into its temporary table purchase_import_lines (line, receipt,
-- customer, purchased_at, amount, store, currency) into receipts: one purchase per receipt (per store),
-- at the time of its first line, for the sum of its lines rounded to the currency's minor units (p_digits:
-- {"EUR": 2, …}); a negative sum is a return. Customers are matched by external id and, with
-- p_create_members, created when unknown. Receipts already imported are counted, not added again.
-- Returns the summary and the problems: receipts that cannot be imported, by their first line.
create function loyalty_import_purchases(
    p_actor text, p_file text, p_sha256 bytea, p_time_zone text, p_currency text, p_digits jsonb,
    p_create_members boolean, p_lines int, p_skipped int
) returns jsonb
language plpgsql as $$
declare
    v_import bigint;
    v_created int := 0;
    v_added int := 0;
    v_returns int := 0;
    v_present int := 0;
    v_problems jsonb;
    v_receipts int;
begin
    -- Imports run one at a time, so that the receipts found new here are the ones added.
    perform pg_advisory_xact_lock(hashtext('loyalty.purchase_import'));
    create temporary table purchase_import_receipts on commit drop as
    select r.*,
           case when r.customers > 1 then 'receipt ' || r.receipt || ' names ' || r.customers || ' customers'
                when r.currencies > 1 then 'receipt ' || r.receipt || ' mixes currencies'
                when not p_digits ? r.currency then 'receipt ' || r.receipt || ': unknown currency ' || r.currency
                when abs(r.amount) >= 1e15 then 'receipt ' || r.receipt || ': amount too large'
           end as problem,
           case when abs(r.amount) < 1e15
                then round(r.amount * (10::numeric ^ (p_digits ->> r.currency)::int))::bigint end as minor
      from (select coalesce(l.store, '') as store_key, min(l.store) as store, l.receipt, min(l.line) as first_line,
                   min(l.customer) as customer, count(distinct l.customer) as customers,
                   min(coalesce(l.currency, p_currency)) as currency,
                   count(distinct coalesce(l.currency, p_currency)) as currencies,
                   min(loyalty_import_time(l.purchased_at, p_time_zone)) as purchased_at,
                   sum(l.amount) as amount
              from purchase_import_lines l
             group by coalesce(l.store, ''), l.receipt) r;
    get diagnostics v_receipts = row_count;

    if not p_create_members then
        update purchase_import_receipts r
           set problem = 'customer ' || r.customer || ' is not a member'
         where r.problem is null and not exists (select 1 from members m where m.external_id = r.customer);
    end if;

    -- Receipts already imported (by an earlier run of this file or an overlapping one) are skipped.
    alter table purchase_import_receipts add column present boolean not null default false;
    update purchase_import_receipts r
       set present = true
     where r.problem is null
       and exists (select 1 from purchases p
                    where p.source = 'import' and coalesce(p.store_code, '') = r.store_key and p.receipt = r.receipt);
    select count(*) filter (where problem is null and present),
           count(*) filter (where problem is null and not present),
           count(*) filter (where problem is null and not present and minor < 0)
      into v_present, v_added, v_returns
      from purchase_import_receipts;

    -- Customers become members with the external id as their name until someone knows better; they
    -- joined, as far as the programme can tell, with their first purchase.
    with customers as (
        select r.customer, min(r.purchased_at) as first_at
          from purchase_import_receipts r
         where r.problem is null and not r.present
           and not exists (select 1 from members m where m.external_id = r.customer)
         group by r.customer
    ), added_members as (
        insert into members (number, first_name, last_name, external_id, source_channel, created_at)
        select loyalty_next_member_number(), 'Customer', c.customer, c.customer, 'import', c.first_at
          from customers c
         order by c.first_at, c.customer
        returning id
    ), accounts as (
        insert into point_accounts (member_id) select id from added_members returning 1
    )
    select count(*) into v_created from accounts;

    insert into purchase_imports (file_name, file_sha256, actor, lines, skipped_lines, receipts, returns,
                                  already_imported, members_created)
    values (p_file, p_sha256, p_actor, p_lines, p_skipped, v_added, v_returns, v_present, v_created)
    returning id into v_import;

    insert into purchases (member_id, store_code, receipt, amount_minor, currency, purchased_at, source, kind, import_id)
    select m.id, r.store, r.receipt, abs(r.minor), r.currency, r.purchased_at, 'import',
           case when r.minor < 0 then 'return' else 'sale' end, v_import
      from purchase_import_receipts r
      join members m on m.external_id = r.customer
     where r.problem is null and not r.present
     order by r.purchased_at, r.first_line;

    select coalesce(jsonb_agg(jsonb_build_object('line', first_line, 'reason', problem) order by first_line), '[]')
      into v_problems
      from purchase_import_receipts where problem is not null;

    insert into audit_log (actor, action, subject, details)
    values (p_actor, 'purchase.import', p_file,
            jsonb_build_object('import', v_import, 'sha256', encode(p_sha256, 'hex'), 'lines', p_lines,
                               'skipped_lines', p_skipped, 'receipts', v_added, 'returns', v_returns,
                               'already_imported', v_present, 'members_created', v_created,
                               'refused_receipts', jsonb_array_length(v_problems)));

    return jsonb_build_object('import', v_import, 'receipts', v_added, 'returns', v_returns,
                              'already_imported', v_present, 'members_created', v_created,
                              'receipts_read', v_receipts, 'problems', v_problems);
end
$$;

-- Per-member metrics --------------------------------------------------------------------------------

-- Members whose purchases changed since their metrics were computed.
create table purchase_metrics_queue (
    member_id bigint primary key references members (id)
);

create function purchases_queue_metrics() returns trigger
language plpgsql as $$
begin
    insert into purchase_metrics_queue (member_id)
    select distinct member_id from added_purchases
    on conflict do nothing;
    return null;
end
$$;

create trigger purchases_queue_metrics after insert on purchases
    referencing new table as added_purchases
    for each statement execute function purchases_queue_metrics();

-- One row per member with at least one purchase day. Dates are programme-local; spend is net of
-- returns, in minor units of the tracker's currency (purchases in other currencies count as visits only).
create table member_purchase_metrics (
    member_id           bigint primary key references members (id),
    first_purchase_at   timestamptz not null,
    last_purchase_at    timestamptz not null,
    first_purchase_on   date not null,
    second_purchase_on  date,
    last_purchase_on    date not null,
    purchase_days       int not null check (purchase_days >= 1),
    receipts            int not null check (receipts >= 1),
    returns             int not null check (returns >= 0),
    spend               bigint not null,
    currency            text not null check (currency ~ '^[A-Z]{3}$'),
    mean_gap_days       numeric(12, 2),
    median_gap_days     numeric(12, 1),
    -- The last purchase day plus the median gap, rounded: when the member would buy again if they kept
    -- their habit. Null for one-day customers.
    expected_next_on    date,
    -- The store of the first sale (null for purchases without a store, such as imports).
    first_store         text,
    -- RFM scores and segment, written by loyalty_score_rfm only.
    recency_score       smallint check (recency_score between 1 and 5),
    frequency_score     smallint check (frequency_score between 1 and 5),
    monetary_score      smallint check (monetary_score between 1 and 5),
    rfm_segment         text,
    refreshed_at        timestamptz not null default now(),
    check ((purchase_days = 1) = (second_purchase_on is null)),
    check ((recency_score is null) = (rfm_segment is null))
);
create index member_purchase_metrics_last on member_purchase_metrics (last_purchase_on);
create index member_purchase_metrics_segment on member_purchase_metrics (rfm_segment) where rfm_segment is not null;

-- When RFM was last scored, and with which currency.
create table rfm_scoring (
    singleton   boolean primary key default true check (singleton),
    scored_at   timestamptz not null,
    population  int not null,
    currency    text not null
);

-- Recomputes the metrics of up to p_limit queued members and takes them off the queue, in one transaction.
-- Returns how many members it took. A purchase committed meanwhile queues its member again. The members'
-- purchases are read once, by index (purchases_member_time), never by a scan of all purchases: the
-- queued ids drive the join, so that the plan does not depend on how many there are.
create function loyalty_refresh_purchase_metrics(p_time_zone text, p_currency text, p_limit int) returns int
language plpgsql volatile as $$
declare
    v_members bigint[];
begin
    with taken as (
        delete from purchase_metrics_queue q
         where q.member_id in (select member_id from purchase_metrics_queue order by member_id
                               limit p_limit for update skip locked)
        returning q.member_id
    )
    select coalesce(array_agg(member_id), '{}') into v_members from taken;
    if cardinality(v_members) = 0 then
        return 0;
    end if;

    with bought as materialized (
        select p.id, p.member_id, p.kind, p.amount_minor, p.currency, p.purchased_at, p.store_code,
               (p.purchased_at at time zone p_time_zone)::date as day
          from unnest(v_members) as queued (member_id)
          join purchases p on p.member_id = queued.member_id
    ), days as (
        select b.member_id, b.day, min(b.purchased_at) as first_at, max(b.purchased_at) as last_at
          from bought b where b.kind = 'sale'
         group by 1, 2
    ), gaps as (
        select d.*, d.day - lag(d.day) over w as gap, row_number() over w as n
          from days d
        window w as (partition by d.member_id order by d.day)
    ), summary as (
        -- Gaps are whole days, so their median (a whole or a half) is exact in double precision.
        select g.member_id, min(g.first_at) as first_at, max(g.last_at) as last_at, min(g.day) as first_on,
               min(g.day) filter (where g.n = 2) as second_on, max(g.day) as last_on, count(*)::int as purchase_days,
               avg(g.gap)::numeric(12, 2) as mean_gap,
               (percentile_cont(0.5) within group (order by g.gap))::numeric(12, 1) as median
          from gaps g group by g.member_id
    ), money as (
        select b.member_id, count(*) filter (where b.kind = 'sale')::int as receipts,
               count(*) filter (where b.kind = 'return')::int as returns,
               coalesce(sum(case when b.currency <> p_currency then 0
                                 when b.kind = 'sale' then b.amount_minor else -b.amount_minor end), 0)::bigint as spend,
               (array_agg(b.store_code order by b.purchased_at, b.id) filter (where b.kind = 'sale'))[1] as first_store
          from bought b
         group by b.member_id
    ), removed as (
        delete from member_purchase_metrics m
         using unnest(v_members) as queued (member_id)
         where m.member_id = queued.member_id and not exists (select 1 from summary s where s.member_id = m.member_id)
    )
    insert into member_purchase_metrics as m (
        member_id, first_purchase_at, last_purchase_at, first_purchase_on, second_purchase_on, last_purchase_on,
        purchase_days, receipts, returns, spend, currency, mean_gap_days, median_gap_days, expected_next_on,
        first_store, refreshed_at)
    select s.member_id, s.first_at, s.last_at, s.first_on, s.second_on, s.last_on, s.purchase_days,
           y.receipts, y.returns, y.spend, p_currency, s.mean_gap, s.median,
           s.last_on + round(s.median)::int, y.first_store, now()
      from summary s
      join money y on y.member_id = s.member_id
    on conflict (member_id) do update set
        first_purchase_at = excluded.first_purchase_at, last_purchase_at = excluded.last_purchase_at,
        first_purchase_on = excluded.first_purchase_on, second_purchase_on = excluded.second_purchase_on,
        last_purchase_on = excluded.last_purchase_on, purchase_days = excluded.purchase_days,
        receipts = excluded.receipts, returns = excluded.returns, spend = excluded.spend,
        currency = excluded.currency, mean_gap_days = excluded.mean_gap_days,
        median_gap_days = excluded.median_gap_days, expected_next_on = excluded.expected_next_on,
        first_store = excluded.first_store, refreshed_at = excluded.refreshed_at;
    return cardinality(v_members);
end
$$;

-- Queues every member with purchases: after a change of time zone or currency, or to rebuild.
create function loyalty_queue_all_purchase_metrics() returns int
language sql volatile as $$
    with queued as (
        insert into purchase_metrics_queue (member_id)
        select distinct member_id from purchases
        union
        select member_id from member_purchase_metrics
        on conflict do nothing
        returning 1
    )
    select count(*)::int from queued
$$;

-- RFM -------------------------------------------------------------------------------------------

-- The named segment of an RFM cell (first rule that matches; the grid is in docs/purchases.md).
create function loyalty_rfm_segment(p_recency int, p_frequency int) returns text
language sql immutable strict parallel safe as $$
    select case
        when p_recency >= 4 and p_frequency >= 4 then 'champions'
        when p_recency = 3 and p_frequency >= 4 then 'loyal'
        when p_recency <= 2 and p_frequency = 5 then 'cannot-lose'
        when p_recency <= 2 and p_frequency >= 3 then 'at-risk'
        when p_recency >= 4 and p_frequency >= 2 then 'potential-loyalist'
        when p_recency = 5 then 'new'
        when p_recency = 4 then 'promising'
        when p_recency = 3 and p_frequency >= 2 then 'needs-attention'
        when p_recency = 3 then 'about-to-sleep'
        when p_recency = 2 then 'hibernating'
        else 'lost'
    end
$$;

-- Scores every member with metrics who is not closed: each score is 1 + ⌊5 × (members with a lower
-- value) ÷ population⌋, so equal values share a score. Recency by last purchase day, frequency by
-- purchase days, monetary by net spend. Closed members lose their scores. Writes only changed rows.
create function loyalty_score_rfm(p_currency text) returns int
language plpgsql volatile as $$
declare
    population int;
begin
    select count(*) into population
      from member_purchase_metrics x join members m on m.id = x.member_id
     where m.status <> 'closed';

    with scores as (
        select x.member_id,
               (1 + 5 * (rank() over (order by x.last_purchase_on) - 1) / population)::smallint as r,
               (1 + 5 * (rank() over (order by x.purchase_days) - 1) / population)::smallint as f,
               (1 + 5 * (rank() over (order by x.spend) - 1) / population)::smallint as m
          from member_purchase_metrics x join members mm on mm.id = x.member_id
         where mm.status <> 'closed'
    )
    update member_purchase_metrics x
       set recency_score = s.r, frequency_score = s.f, monetary_score = s.m,
           rfm_segment = loyalty_rfm_segment(s.r, s.f)
      from scores s
     where x.member_id = s.member_id
       and (x.recency_score, x.frequency_score, x.monetary_score) is distinct from (s.r, s.f, s.m);

    update member_purchase_metrics x
       set recency_score = null, frequency_score = null, monetary_score = null, rfm_segment = null
      from members m
     where m.id = x.member_id and m.status = 'closed' and x.recency_score is not null;

    insert into rfm_scoring (scored_at, population, currency) values (now(), population, p_currency)
    on conflict (singleton) do update set scored_at = excluded.scored_at, population = excluded.population,
                                          currency = excluded.currency;
    return population;
end
$$;

-- Lapse -----------------------------------------------------------------------------------------

-- The member's lapse threshold in days (docs/purchases.md, "Lapsed"):
--   rule 'days': days
--   rule 'gap':  max(floor_days, ⌈multiple × median gap⌉), and floor_days for a one-day customer.
create function loyalty_lapse_threshold(p_median_gap numeric, p_lapse jsonb) returns int
language sql immutable parallel safe as $$
    select case p_lapse ->> 'rule'
        when 'days' then (p_lapse ->> 'days')::int
        else greatest((p_lapse ->> 'floor_days')::int,
                      coalesce(ceil(p_median_gap * (p_lapse ->> 'multiple_percent')::int / 100)::int, 0))
    end
$$;

-- 'lapsed' when more than the threshold has passed since the last purchase day, 'at-risk' when more than
-- at_risk_percent of it has (rounded down), else 'active'; 'never' without a purchase day.
create function loyalty_lapse_state(p_last date, p_median_gap numeric, p_today date, p_lapse jsonb) returns text
language sql immutable parallel safe as $$
    select case
        when p_last is null then 'never'
        when p_today - p_last > loyalty_lapse_threshold(p_median_gap, p_lapse) then 'lapsed'
        when p_today - p_last > loyalty_lapse_threshold(p_median_gap, p_lapse) * (p_lapse ->> 'at_risk_percent')::int / 100
            then 'at-risk'
        else 'active'
    end
$$;

-- Segments --------------------------------------------------------------------------------------

create table segments (
    id          bigint generated always as identity primary key,
    name        text not null unique check (name ~ '^[a-z0-9][a-z0-9_-]{0,63}$'),
    description text not null default '' check (length(description) <= 500),
    -- The filter, as SegmentFilter encodes it (keys in loyalty_segment_members).
    filter      jsonb not null check (jsonb_typeof(filter) = 'object'),
    created_by  text not null,
    created_at  timestamptz not null default now(),
    updated_at  timestamptz not null default now()
);

-- The members a filter selects, whatever their status (an export leaves out closed members and says so).
-- Every key is optional; lists match any of their values except tags, which must all be present:
--   tiers [code]  tags [text]  stores [code] (home store: preferred store, else store of first sale)
--   sources [channel]  rfm_segments [name]  recency|frequency|monetary {min,max} (scores)
--   lapse [active|at-risk|lapsed|never]  days_since_purchase {min,max}  points {min,max}
--   birthday_months [1-12]  consent [email|sms] (all given)
create function loyalty_segment_members(p_filter jsonb, p_today date, p_lapse jsonb)
returns table (member_id bigint, lapse_state text, days_since_purchase int, tier text)
language sql stable as $$
    select m.id, s.lapse_state, p_today - x.last_purchase_on, t.code
      from members m
      left join member_purchase_metrics x on x.member_id = m.id
      left join point_accounts a on a.member_id = m.id
      left join member_tiers mt on mt.member_id = m.id
      left join tiers t on t.id = coalesce(mt.tier_id, (select id from tiers order by rank limit 1))
      cross join lateral (select loyalty_lapse_state(x.last_purchase_on, x.median_gap_days, p_today, p_lapse)
                                 as lapse_state) s
     where (p_filter -> 'tiers' is null or t.code in (select jsonb_array_elements_text(p_filter -> 'tiers')))
       and (p_filter -> 'tags' is null or m.tags @> array(select jsonb_array_elements_text(p_filter -> 'tags')))
       and (p_filter -> 'stores' is null
            or coalesce(m.preferred_store, x.first_store) in (select jsonb_array_elements_text(p_filter -> 'stores')))
       and (p_filter -> 'sources' is null
            or m.source_channel in (select jsonb_array_elements_text(p_filter -> 'sources')))
       and (p_filter -> 'rfm_segments' is null
            or x.rfm_segment in (select jsonb_array_elements_text(p_filter -> 'rfm_segments')))
       and (p_filter -> 'recency' is null or x.recency_score
            between coalesce((p_filter #>> '{recency,min}')::int, 1) and coalesce((p_filter #>> '{recency,max}')::int, 5))
       and (p_filter -> 'frequency' is null or x.frequency_score
            between coalesce((p_filter #>> '{frequency,min}')::int, 1) and coalesce((p_filter #>> '{frequency,max}')::int, 5))
       and (p_filter -> 'monetary' is null or x.monetary_score
            between coalesce((p_filter #>> '{monetary,min}')::int, 1) and coalesce((p_filter #>> '{monetary,max}')::int, 5))
       and (p_filter -> 'lapse' is null or s.lapse_state in (select jsonb_array_elements_text(p_filter -> 'lapse')))
       and (p_filter -> 'days_since_purchase' is null or (
                x.last_purchase_on is not null
            and p_today - x.last_purchase_on >= coalesce((p_filter #>> '{days_since_purchase,min}')::int, 0)
            and p_today - x.last_purchase_on <= coalesce((p_filter #>> '{days_since_purchase,max}')::int, 2147483647)))
       and (p_filter -> 'points' is null or (
                a.balance >= coalesce((p_filter #>> '{points,min}')::bigint, 0)
            and a.balance <= coalesce((p_filter #>> '{points,max}')::bigint, 9223372036854775807)))
       and (p_filter -> 'birthday_months' is null or extract(month from m.birth_date)::int
            in (select jsonb_array_elements_text(p_filter -> 'birthday_months')::int))
       and (not coalesce(p_filter -> 'consent' ? 'email', false) or m.email_consent)
       and (not coalesce(p_filter -> 'consent' ? 'sms', false) or m.sms_consent)
$$;
