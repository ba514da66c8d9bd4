-- 0021 Terminal security: secret rotation with a grace period, and the audit log's reading index.
--
-- A rotation keeps the old secret's hash beside the new one until its grace period ends, so that tills
-- can be moved over one by one without downtime. At most one rotation runs at a time per terminal: a
-- second rotation before the first is finished would silently end the oldest secret's grace.

alter table terminals
    add column previous_secret_hash bytea check (length(previous_secret_hash) = 32),
    add column previous_secret_expires_at timestamptz,
    add column secret_rotated_at timestamptz,
    add constraint terminals_rotation_complete
        check ((previous_secret_hash is null) = (previous_secret_expires_at is null)),
    add constraint terminals_rotation_distinct check (previous_secret_hash is distinct from secret_hash);

-- `loyalty audit list --actor` (a subject has its index since 0013, a time range audit_log_at).
create index audit_log_actor_at on audit_log (actor, at);

-- Starts a rotation: p_hash becomes the secret, the current one stays valid for p_grace. Refuses an
-- unknown or revoked terminal (LY404), a rotation already running (LY409) and a negative grace (LY400).
create function loyalty_terminal_rotate(p_actor text, p_name text, p_hash bytea, p_grace interval)
returns table (id bigint, name text, store_code text, status text, created_at timestamptz, revoked_at timestamptz,
               previous_secret_expires_at timestamptz)
language plpgsql as $$
declare
    terminal terminals;
begin
    if p_grace < interval '0' then
        raise exception 'the grace period cannot be negative' using errcode = 'LY400';
    end if;
    select * into terminal from terminals t where t.name = p_name and t.status = 'active' for update;
    if not found then
        raise exception 'no active terminal named %', p_name using errcode = 'LY404';
    end if;
    if terminal.previous_secret_expires_at > now() then
        raise exception 'terminal % is already rotating its secret until %; finish it first (terminal rotate --finish)',
            p_name, terminal.previous_secret_expires_at using errcode = 'LY409';
    end if;
    update terminals t
       set previous_secret_hash = t.secret_hash, previous_secret_expires_at = now() + p_grace,
           secret_hash = p_hash, secret_rotated_at = now()
     where t.id = terminal.id;
    insert into audit_log (actor, action, subject, details)
    values (p_actor, 'terminal.rotate', p_name, jsonb_build_object('grace_seconds', extract(epoch from p_grace)::bigint));
    return query select t.id, t.name, t.store_code, t.status, t.created_at, t.revoked_at, t.previous_secret_expires_at
                   from terminals t where t.id = terminal.id;
end
$$;

-- Ends a rotation's grace at once: the old secret is refused from now on, also on open connections.
-- Refuses a terminal that is not rotating (LY404).
create function loyalty_terminal_finish_rotation(p_actor text, p_name text)
returns table (id bigint, name text, store_code text, status text, created_at timestamptz, revoked_at timestamptz)
language plpgsql as $$
declare
    terminal_id bigint;
begin
    update terminals t set previous_secret_hash = null, previous_secret_expires_at = null
     where t.name = p_name and t.status = 'active' and t.previous_secret_expires_at > now()
    returning t.id into terminal_id;
    if not found then
        raise exception 'terminal % has no rotation in progress', p_name using errcode = 'LY404';
    end if;
    insert into audit_log (actor, action, subject) values (p_actor, 'terminal.rotate.finish', p_name);
    return query select t.id, t.name, t.store_code, t.status, t.created_at, t.revoked_at
                   from terminals t where t.id = terminal_id;
end
$$;
