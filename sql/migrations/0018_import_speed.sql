-- Faster history import (issue 7). Measured with scripts/bench-import on 1,000,000 lines and PostgreSQL's
-- auto_explain: the grouping into receipts took 7.3 s, most of it a regular-expression test and a timestamp
-- parse per line (loyalty_import_time) and two count(distinct …) per receipt, each a small sort; and each
-- metrics refresh batch spent 1.0 of its 1.5 s compiling the query with JIT, because its row estimates
-- (unnest of an array) are far too high.
--
-- Now the caller copies purchased_at as timestamptz with the session's TimeZone set to the programme's for
-- the transaction, so PostgreSQL reads each time once, in C, exactly as loyalty_import_time did: with the
-- offset a line gives, else in the programme's zone. A receipt naming two customers or mixing currencies is
-- found by comparing the least and the greatest value, with no sort per receipt.

drop function loyalty_import_purchases(text, text, bytea, text, text, jsonb, boolean, int, int);
drop function loyalty_import_time(text, text);

-- Merges the lines the caller copied into its temporary table purchase_import_lines (line, receipt,
-- customer, purchased_at timestamptz, amount, store, currency) into receipts: one purchase per receipt (per
-- store), at the time of its first line, for the sum of its lines rounded to the currency's minor units
-- (p_digits: {"EUR": 2, …}); a negative sum is a return. Customers are matched by external id and, with
-- p_create_members, created when unknown. Receipts already imported are counted, not added again.
-- Returns the summary and the problems: receipts that cannot be imported, by their first line.
create function loyalty_import_purchases(
    p_actor text, p_file text, p_sha256 bytea, p_currency text, p_digits jsonb,
    p_create_members boolean, p_lines int, p_skipped int
) returns jsonb
language plpgsql
-- A million lines group in memory with a hash instead of an external sort; JIT compiling would cost more
-- than these queries run.
set work_mem = '256MB'
set jit = off
as $$
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
    with receipts as (
        select coalesce(l.store, '') as store_key, min(l.store) as store, l.receipt, min(l.line) as first_line,
               min(l.customer) as customer, max(l.customer) as last_customer,
               min(coalesce(l.currency, p_currency)) as currency, max(coalesce(l.currency, p_currency)) as last_currency,
               min(l.purchased_at) as purchased_at, sum(l.amount) as amount
          from purchase_import_lines l
         group by coalesce(l.store, ''), l.receipt
    ), judged as (
        select r.*,
               case when r.customer <> r.last_customer
                    then 'receipt ' || r.receipt || ' names more than one customer (' || r.customer || ', '
                         || r.last_customer || ')'
                    when r.currency <> r.last_currency then 'receipt ' || r.receipt || ' mixes currencies'
                    when not p_digits ? r.currency then 'receipt ' || r.receipt || ': unknown currency ' || r.currency
                    when abs(r.amount) >= 1e15 then 'receipt ' || r.receipt || ': amount too large'
                    when not p_create_members and not exists (select 1 from members m where m.external_id = r.customer)
                    then 'customer ' || r.customer || ' is not a member'
               end as problem
          from receipts r
    )
    select j.store_key, j.store, j.receipt, j.first_line, j.customer, j.currency, j.purchased_at, j.problem,
           case when j.problem is null then round(j.amount * (10::numeric ^ (p_digits ->> j.currency)::int))::bigint end
               as minor,
           -- Receipts already imported (by an earlier run of this file or an overlapping one) are skipped.
           j.problem is null
               and exists (select 1 from purchases p
                            where p.source = 'import' and coalesce(p.store_code, '') = j.store_key
                              and p.receipt = j.receipt) as present
      from judged j;
    get diagnostics v_receipts = row_count;

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

alter function loyalty_refresh_purchase_metrics(text, text, int) set jit = off;
