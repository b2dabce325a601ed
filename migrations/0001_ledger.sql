-- 0001_ledger: tenants, sync runs, current state, append-only history and the hash-chained event log.
-- Times are UTC ISO-8601 text with whole seconds and a trailing Z (e.g. 2026-05-09T10:00:00Z),
-- so they compare correctly as strings in views and in plain sqlite3 sessions.

CREATE TABLE tenants (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    tenant_id   TEXT,            -- Entra tenant id; NULL for a tenant fed by imports only
    client_id   TEXT,
    created_at  TEXT NOT NULL
) STRICT;

-- Lifecycle thresholds per tenant; a missing key means the documented default.
CREATE TABLE tenant_settings (
    tenant  INTEGER NOT NULL REFERENCES tenants(id),
    key     TEXT NOT NULL,
    value   TEXT NOT NULL,
    PRIMARY KEY (tenant, key)
) STRICT;

-- One row per committed or failed run. A failed run is recorded in its own small transaction and
-- changes nothing else: the previous committed run stays the current snapshot.
CREATE TABLE sync_runs (
    id                    INTEGER PRIMARY KEY,
    tenant                INTEGER NOT NULL REFERENCES tenants(id),
    kind                  TEXT NOT NULL CHECK (kind IN ('sync', 'import')),
    status                TEXT NOT NULL CHECK (status IN ('committed', 'failed')),
    complete              INTEGER NOT NULL CHECK (complete IN (0, 1)),  -- a full machine snapshot?
    started_at            TEXT NOT NULL,   -- local clock
    finished_at           TEXT NOT NULL,   -- local clock
    observed_at           TEXT,            -- the API's Date header: what this snapshot describes
    source                TEXT NOT NULL,   -- API base URL or imported file names
    machines_seen         INTEGER NOT NULL DEFAULT 0,
    actions_seen          INTEGER NOT NULL DEFAULT 0,
    observations_written  INTEGER NOT NULL DEFAULT 0,
    events_written        INTEGER NOT NULL DEFAULT 0,
    api_calls             INTEGER NOT NULL DEFAULT 0,
    throttled             INTEGER NOT NULL DEFAULT 0,  -- 429 answers seen
    retries               INTEGER NOT NULL DEFAULT 0,
    error                 TEXT
) STRICT;
CREATE INDEX sync_runs_by_tenant ON sync_runs (tenant, status, observed_at);

-- Current state: a derived convenience, rewritten by each run. History lives in machine_observations.
CREATE TABLE machines (
    tenant                  INTEGER NOT NULL REFERENCES tenants(id),
    id                      TEXT NOT NULL,
    computer_dns_name       TEXT,
    aad_device_id           TEXT,
    os_platform             TEXT,
    os_version              TEXT,
    onboarding_status       TEXT,
    health_status           TEXT,
    first_seen              TEXT,
    last_seen               TEXT,
    rbac_group_id           TEXT,
    rbac_group_name         TEXT,
    machine_tags            TEXT NOT NULL DEFAULT '[]',  -- JSON array, sorted
    merged_into_machine_id  TEXT,
    is_excluded             INTEGER,
    present                 INTEGER NOT NULL DEFAULT 1,  -- 0 once a complete snapshot lacked it
    first_observed_at       TEXT NOT NULL,
    raw_json                TEXT NOT NULL,               -- the object as last received
    PRIMARY KEY (tenant, id)
) STRICT;
CREATE INDEX machines_by_name ON machines (tenant, computer_dns_name);
CREATE INDEX machines_by_aad ON machines (tenant, aad_device_id);

-- Append-only: one row per machine per run, only when a tracked field changed (or presence changed).
CREATE TABLE machine_observations (
    seq                     INTEGER PRIMARY KEY,
    tenant                  INTEGER NOT NULL REFERENCES tenants(id),
    machine_id              TEXT NOT NULL,
    run                     INTEGER NOT NULL REFERENCES sync_runs(id),
    observed_at             TEXT NOT NULL,
    present                 INTEGER NOT NULL CHECK (present IN (0, 1)),
    computer_dns_name       TEXT,
    aad_device_id           TEXT,
    os_platform             TEXT,
    os_version              TEXT,
    onboarding_status       TEXT,
    health_status           TEXT,
    first_seen              TEXT,
    last_seen               TEXT,
    rbac_group_id           TEXT,
    rbac_group_name         TEXT,
    machine_tags            TEXT NOT NULL,
    merged_into_machine_id  TEXT,
    is_excluded             INTEGER,
    raw_json                TEXT            -- NULL on an absence row (present = 0)
) STRICT;
CREATE INDEX machine_observations_by_machine ON machine_observations (tenant, machine_id, observed_at);
CREATE INDEX machine_observations_by_run ON machine_observations (run);

CREATE TABLE machine_actions (
    tenant                    INTEGER NOT NULL REFERENCES tenants(id),
    id                        TEXT NOT NULL,
    type                      TEXT,
    scope                     TEXT,
    status                    TEXT,
    machine_id                TEXT,
    computer_dns_name         TEXT,
    requestor                 TEXT,
    requestor_comment         TEXT,
    request_source            TEXT,
    external_id               TEXT,
    title                     TEXT,
    created_at                TEXT,   -- creationDateTimeUtc
    last_update_at            TEXT,   -- lastUpdateDateTimeUtc
    cancellation_requestor    TEXT,
    cancellation_comment      TEXT,
    cancelled_at              TEXT,
    first_observed_at         TEXT NOT NULL,
    raw_json                  TEXT NOT NULL,
    PRIMARY KEY (tenant, id)
) STRICT;
CREATE INDEX machine_actions_by_machine ON machine_actions (tenant, machine_id, type, created_at);

-- Append-only status history of machine actions: first sight and every change of a tracked field.
CREATE TABLE machine_action_observations (
    seq                     INTEGER PRIMARY KEY,
    tenant                  INTEGER NOT NULL REFERENCES tenants(id),
    action_id               TEXT NOT NULL,
    run                     INTEGER NOT NULL REFERENCES sync_runs(id),
    observed_at             TEXT NOT NULL,
    status                  TEXT,
    machine_id              TEXT,
    last_update_at          TEXT,
    cancellation_requestor  TEXT,
    cancellation_comment    TEXT,
    cancelled_at            TEXT,
    raw_json                TEXT NOT NULL
) STRICT;
CREATE INDEX machine_action_observations_by_action ON machine_action_observations (tenant, action_id, observed_at);
CREATE INDEX machine_action_observations_by_run ON machine_action_observations (run);

-- The hash-chained event log. hash = SHA-256(prev_hash || canonical JSON of every other column);
-- the first event's prev_hash is 64 zeros. `verify` recomputes the chain.
CREATE TABLE events (
    seq          INTEGER PRIMARY KEY,
    tenant       INTEGER REFERENCES tenants(id),
    run          INTEGER REFERENCES sync_runs(id),
    occurred_at  TEXT NOT NULL,   -- the time the fact refers to (usually the run's observed_at)
    recorded_at  TEXT NOT NULL,   -- local clock when written
    kind         TEXT NOT NULL,
    subject      TEXT NOT NULL,   -- machine id, action id, or run id
    payload      TEXT NOT NULL,   -- canonical JSON
    prev_hash    TEXT NOT NULL,
    hash         TEXT NOT NULL UNIQUE
) STRICT;
CREATE INDEX events_by_subject ON events (tenant, subject, seq);
CREATE INDEX events_by_kind ON events (tenant, kind, occurred_at);

-- History is append-only: refuse UPDATE and DELETE.
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TRIGGER machine_observations_no_update BEFORE UPDATE ON machine_observations
BEGIN SELECT RAISE(ABORT, 'machine_observations are append-only'); END;
CREATE TRIGGER machine_observations_no_delete BEFORE DELETE ON machine_observations
BEGIN SELECT RAISE(ABORT, 'machine_observations are append-only'); END;
CREATE TRIGGER machine_action_observations_no_update BEFORE UPDATE ON machine_action_observations
BEGIN SELECT RAISE(ABORT, 'machine_action_observations are append-only'); END;
CREATE TRIGGER machine_action_observations_no_delete BEFORE DELETE ON machine_action_observations
BEGIN SELECT RAISE(ABORT, 'machine_action_observations are append-only'); END;
