-- 0001_ledger (PostgreSQL): tenants, sync runs and the hash-chained event log, with the same columns, the same
-- text times (UTC ISO-8601, whole seconds, trailing Z) and the same checks as SQLite's migrations 0001 and 0003,
-- so that a ledger copied between the two keeps every value and every hash byte for byte.
-- Append-only is enforced twice: by triggers (as in SQLite) and by privileges (the roles at the end).

CREATE TABLE tenants (
    id          bigint PRIMARY KEY,
    name        text NOT NULL UNIQUE,
    tenant_id   text,            -- Entra tenant id; NULL for a tenant fed by imports only
    client_id   text,
    created_at  text NOT NULL,
    region      text,            -- eu, us, uk, au, swa: the regional API host
    base_url    text,            -- an explicit API base URL; wins over region
    token_url   text             -- an explicit OAuth2 token endpoint (sovereign clouds, the simulator)
);

-- Lifecycle thresholds per tenant; a missing key means the documented default.
CREATE TABLE tenant_settings (
    tenant  bigint NOT NULL REFERENCES tenants(id),
    key     text NOT NULL,
    value   text NOT NULL,
    PRIMARY KEY (tenant, key)
);

CREATE TABLE sync_runs (
    id                    bigint PRIMARY KEY,
    tenant                bigint NOT NULL REFERENCES tenants(id),
    kind                  text NOT NULL CHECK (kind IN ('sync', 'import')),
    status                text NOT NULL CHECK (status IN ('committed', 'failed')),
    complete              bigint NOT NULL CHECK (complete IN (0, 1)),
    started_at            text NOT NULL,
    finished_at           text NOT NULL,
    observed_at           text,
    source                text NOT NULL,
    machines_seen         bigint NOT NULL DEFAULT 0,
    actions_seen          bigint NOT NULL DEFAULT 0,
    observations_written  bigint NOT NULL DEFAULT 0,
    events_written        bigint NOT NULL DEFAULT 0,
    api_calls             bigint NOT NULL DEFAULT 0,
    throttled             bigint NOT NULL DEFAULT 0,
    retries               bigint NOT NULL DEFAULT 0,
    error                 text
);
CREATE INDEX sync_runs_by_tenant ON sync_runs (tenant, status, observed_at);

CREATE TABLE events (
    seq          bigint PRIMARY KEY,
    tenant       bigint REFERENCES tenants(id),
    run          bigint REFERENCES sync_runs(id),
    occurred_at  text NOT NULL,
    recorded_at  text NOT NULL,
    kind         text NOT NULL,
    subject      text NOT NULL,
    payload      text NOT NULL,   -- canonical JSON, kept as text: the hash covers these exact bytes
    prev_hash    text NOT NULL,
    hash         text NOT NULL UNIQUE
);
CREATE INDEX events_by_subject ON events (tenant, subject, seq);

-- The same refusal as SQLite's RAISE(ABORT, …), named after the table it guards.
CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% are append-only', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER events_no_update BEFORE UPDATE ON events FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER events_no_delete BEFORE DELETE ON events FOR EACH ROW EXECUTE FUNCTION refuse_change();
-- TRUNCATE fires no row trigger; without this one it would empty the log in one statement.
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();

-- Which tenants a tenant-limited auditor may read: one row per (role, tenant), kept by the ledger's owner.
-- Members of mde_ledger_all_tenants read every tenant.
CREATE TABLE tenant_grants (
    role_name  text NOT NULL,
    tenant     bigint NOT NULL REFERENCES tenants(id),
    PRIMARY KEY (role_name, tenant)
);

-- Roles are cluster-wide, so they may exist already (a second ledger database on the same server): created
-- only when missing. They cannot log in; an administrator grants them to login roles (docs/postgres.md).
DO $$
DECLARE
    name text;
BEGIN
    FOREACH name IN ARRAY ARRAY['mde_ledger_writer', 'mde_ledger_auditor', 'mde_ledger_all_tenants'] LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = name) THEN
            EXECUTE format('CREATE ROLE %I NOLOGIN', name);
        END IF;
    END LOOP;
END;
$$;

-- The writer records: it may read everything and add rows, and change only what SQLite's ledger also changes
-- in place (tenant definitions and settings). It has no UPDATE, DELETE or TRUNCATE on history.
GRANT SELECT, INSERT, UPDATE ON tenants, tenant_settings TO mde_ledger_writer;
GRANT SELECT, INSERT ON sync_runs, events TO mde_ledger_writer;
GRANT SELECT ON tenant_grants TO mde_ledger_writer;
-- The auditor only reads; which rows it sees is the row-level security below.
GRANT SELECT ON tenants, tenant_settings, sync_runs, events TO mde_ledger_auditor;
GRANT SELECT ON tenant_grants TO mde_ledger_auditor;

-- Row-level security: the writer sees and adds every row; any other reader sees the tenants granted to it
-- (or every tenant as a member of mde_ledger_all_tenants). Ledger-wide events (no tenant) are seen by all
-- readers: they describe the ledger itself (formats, migrations), not a customer.
CREATE FUNCTION may_read_tenant(t bigint) RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT t IS NULL
        OR pg_has_role(current_user, 'mde_ledger_all_tenants', 'MEMBER')
        OR EXISTS (SELECT 1 FROM tenant_grants g WHERE g.role_name = current_user AND g.tenant = t)
$$;

ALTER TABLE tenants ENABLE ROW LEVEL SECURITY;
ALTER TABLE tenant_settings ENABLE ROW LEVEL SECURITY;
ALTER TABLE sync_runs ENABLE ROW LEVEL SECURITY;
ALTER TABLE events ENABLE ROW LEVEL SECURITY;
CREATE POLICY writer_all ON tenants TO mde_ledger_writer USING (true) WITH CHECK (true);
CREATE POLICY writer_all ON tenant_settings TO mde_ledger_writer USING (true) WITH CHECK (true);
CREATE POLICY writer_all ON sync_runs TO mde_ledger_writer USING (true) WITH CHECK (true);
CREATE POLICY writer_all ON events TO mde_ledger_writer USING (true) WITH CHECK (true);
CREATE POLICY reader_scope ON tenants FOR SELECT USING (may_read_tenant(id));
CREATE POLICY reader_scope ON tenant_settings FOR SELECT USING (may_read_tenant(tenant));
CREATE POLICY reader_scope ON sync_runs FOR SELECT USING (may_read_tenant(tenant));
CREATE POLICY reader_scope ON events FOR SELECT USING (may_read_tenant(tenant));
