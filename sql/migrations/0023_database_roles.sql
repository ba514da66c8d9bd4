-- Database roles (issue 8, docs/operations.md "Database roles"): the server's role gets only what the
-- code needs, and cannot change the schema or the ledgers.
--
--   loyalty_owner  NOLOGIN; owns the tables, sequences and functions once the migrating role may hand
--                  them over (it is a member of loyalty_owner, or a superuser). A migration login role is
--                  a member of it.
--   loyalty_app    NOLOGIN; what `serve` and the admin commands connect as (a login role that is a member
--                  of it): SELECT on the tables, INSERT/UPDATE/DELETE only where the Swift code writes
--                  directly, EXECUTE on the functions, nothing but SELECT on schema_migrations, no CREATE
--                  on the schema, and no UPDATE, DELETE or TRUNCATE on any ledger or audit table.
--
-- The writing functions (every volatile function, trigger functions included) become SECURITY DEFINER,
-- owned by the owner, with a fixed search_path, so the app role needs no INSERT on the ledgers at all: a
-- point entry, a gift-card activity or an idempotency record can only be written through the functions.
-- loyalty_grant_privileges() applies all of this; the migrator calls it after every run that applied a
-- migration, so objects added or redefined by later migrations (CREATE OR REPLACE resets SECURITY
-- DEFINER and SET) are covered.
--
-- The roles are created here when the migrating role may create roles; otherwise a DBA creates them
-- (docs/operations.md), or, without them, nothing changes: one role does everything, as before.

do $$
declare
    may_create boolean := (select rolsuper or rolcreaterole from pg_roles where rolname = current_user);
    name text;
begin
    foreach name in array array['loyalty_owner', 'loyalty_app'] loop
        continue when exists (select 1 from pg_roles where rolname = name);
        if not may_create then
            raise notice 'role % does not exist and % may not create roles; the app keeps using one role', name, current_user;
            continue;
        end if;
        begin
            execute format('create role %I nologin', name);
        exception when duplicate_object or unique_violation then
            null;  -- another database of this cluster migrating at the same moment created it
        end;
    end loop;
end
$$;

-- The tables the Swift code writes directly (LoyaltyStore's statements, and the two import functions,
-- which stay SECURITY INVOKER because they read the caller's temporary table), and how.
create or replace function loyalty_app_writes() returns table (table_name text, privileges text)
language sql immutable as $$
    values
        ('members', 'insert, update'),           -- member status; member import
        ('point_accounts', 'insert'),            -- member import opens accounts (balance stays trigger-written)
        ('purchases', 'insert'),                 -- purchase import
        ('purchase_imports', 'insert'),          -- purchase import
        ('audit_log', 'insert'),                 -- admin actions write their audit row
        ('terminals', 'insert, update'),         -- terminal add, revoke
        ('tiers', 'insert, update, delete'),     -- tier add, update, remove
        ('rewards', 'insert, update'),
        ('promotions', 'insert, update'),
        ('segments', 'insert, delete'),
        ('campaigns', 'insert'),
        ('acquisition_sources', 'insert, update'),
        ('installation_key', 'insert')           -- the first process records the key's check value
$$;

-- Functions that keep the caller's rights: they read a temporary table the caller filled with COPY, which
-- the owner role could not read.
create or replace function loyalty_invoker_functions() returns setof text
language sql immutable as $$
    values ('loyalty_import_members'), ('loyalty_import_purchases'), ('loyalty_grant_privileges')
$$;

create or replace function loyalty_grant_privileges() returns void
language plpgsql as $$
declare
    s text := current_schema();
    hand_over boolean := exists (select 1 from pg_roles where rolname = 'loyalty_owner')
        and pg_has_role(current_user, 'loyalty_owner', 'MEMBER');
    app boolean := exists (select 1 from pg_roles where rolname = 'loyalty_app');
    object record;
begin
    if hand_over then
        -- A new owner needs CREATE on the schema; the migrating role may grant it when it owns the schema
        -- (PostgreSQL 15: the database's owner owns public), else the schema's owner has done so.
        begin
            execute format('grant usage, create on schema %I to loyalty_owner', s);
        exception when insufficient_privilege then
            null;
        end;
        for object in
            select c.oid::regclass as name, c.relkind from pg_class c
             where c.relnamespace = s::regnamespace and c.relkind in ('r', 'p', 'v', 'm', 'S')
               and c.relowner <> 'loyalty_owner'::regrole
               -- a column's sequence follows its table
               and not exists (select 1 from pg_depend d where d.classid = 'pg_class'::regclass
                                and d.objid = c.oid and d.deptype in ('a', 'i'))
        loop
            execute format('alter %s %s owner to loyalty_owner',
                           case when object.relkind = 'S' then 'sequence' else 'table' end, object.name);
        end loop;
        for object in
            select p.oid::regprocedure as name from pg_proc p
             where p.pronamespace = s::regnamespace and p.proowner <> 'loyalty_owner'::regrole
        loop
            execute format('alter function %s owner to loyalty_owner', object.name);
        end loop;
    end if;

    -- Writers run as their owner; a fixed search_path (pg_temp last) so that a caller's temporary table
    -- cannot stand in for one of ours.
    for object in
        select p.oid::regprocedure as name from pg_proc p
         where p.pronamespace = s::regnamespace and p.provolatile = 'v' and p.prokind = 'f'
           and pg_has_role(current_user, p.proowner, 'USAGE')
           and p.proname not in (select loyalty_invoker_functions())
           and not (p.prosecdef and format('search_path=%I, pg_temp', s) = any (coalesce(p.proconfig, '{}')))
    loop
        execute format('alter function %s security definer set search_path = %I, pg_temp', object.name, s);
        execute format('revoke execute on function %s from public', object.name);
    end loop;

    if not app then
        return;
    end if;
    execute format('grant usage on schema %I to loyalty_app', s);
    execute format('revoke all on all tables in schema %I from loyalty_app', s);
    execute format('grant select on all tables in schema %I to loyalty_app', s);
    for object in select w.table_name, w.privileges from loyalty_app_writes() w where to_regclass(w.table_name) is not null loop
        execute format('grant %s on table %I to loyalty_app', object.privileges, object.table_name);
    end loop;
    execute format('grant usage, select on all sequences in schema %I to loyalty_app', s);
    execute format('grant execute on all functions in schema %I to loyalty_app', s);
    -- Only its migrator manages the privileges.
    execute 'revoke execute on function loyalty_grant_privileges() from public, loyalty_app';
    -- No DDL at run time (PostgreSQL 15 already refuses CREATE on public to PUBLIC; older ones did not).
    -- Temporary tables (the imports' COPY targets) need TEMPORARY on the database.
    begin
        execute format('revoke create on schema %I from public', s);
        execute format('grant connect, temporary on database %I to loyalty_app', current_database());
    exception when insufficient_privilege then
        raise notice 'only the schema''s and database''s owner can revoke CREATE from PUBLIC and grant TEMPORARY to loyalty_app';
    end;
end
$$;
