-- 0006_compact: history in a compact shape (issue 11). Same facts, a fraction of the bytes.
--
-- * device_keys: an integer key per device, so the rows written every day do not repeat 40-character ids.
-- * raw_documents: each distinct raw JSON document once, addressed by its SHA-256. A machine's document is stored
--   with the value of lastSeen cut out (last_seen_offset says where it goes back), so a device whose document
--   did not change apart from lastSeen shares one stored document across syncs.
-- * device_sightings: a sync in which only a device's lastSeen moved writes one narrow row here instead of a
--   machine_observations row. It holds lastSeen as seconds since 1970 plus the fraction text the service sent,
--   so that day's document is recoverable byte for byte (view machine_history).
-- * machine_observations keeps every other change; new rows carry `document` instead of `raw_json`.
-- * machines, the current state, is no longer a second copy of every document: it becomes a view of each
--   device's latest history, through device_latest (derived state kept by the commit, checked by `verify`).
-- * machine_actions (current state) points at its latest observation instead of holding a second raw copy.
-- * Devices are no longer announced by one device_discovered event each: the run's digest covers the new
--   observation rows, and run_committed counts them.
--
-- A ledger written before this migration is rewritten into this shape in the same transaction: mde-ledger runs
-- the step marked below in Swift (it needs SHA-256), then appends a history_reshaped event that records the old
-- chain head and the new digest of every earlier run (docs/verify.md).

CREATE TABLE device_keys (
    key         INTEGER PRIMARY KEY,
    tenant      INTEGER NOT NULL REFERENCES tenants(id),
    machine_id  TEXT NOT NULL,
    UNIQUE (machine_id, tenant)   -- id first: a lookup by id alone, across tenants, uses it too
) STRICT;

CREATE TABLE raw_documents (
    id      INTEGER PRIMARY KEY,
    sha256  BLOB NOT NULL UNIQUE,   -- of body's UTF-8 bytes; `verify` recomputes it
    body    TEXT NOT NULL
) STRICT;

-- Keyed by run first: a sync appends at the end of the table instead of splitting pages all over it.
CREATE TABLE device_sightings (
    run        INTEGER NOT NULL REFERENCES sync_runs(id),
    device     INTEGER NOT NULL REFERENCES device_keys(key),
    last_seen  INTEGER NOT NULL,   -- whole seconds since 1970 (UTC)
    fraction   TEXT NOT NULL,      -- what the service sent between the seconds and the Z: '' or '.4866667'
    PRIMARY KEY (run, device)
) STRICT, WITHOUT ROWID;
CREATE INDEX device_sightings_by_device ON device_sightings (device, run);

DROP TRIGGER machine_observations_no_update;
DROP TRIGGER machine_observations_no_delete;
ALTER TABLE machine_observations ADD COLUMN document INTEGER REFERENCES raw_documents(id);
ALTER TABLE machine_observations ADD COLUMN last_seen_offset INTEGER;   -- NULL: the document holds lastSeen
ALTER TABLE machine_observations ADD COLUMN last_seen_fraction TEXT;

-- Derived state, for answers at the latest run in well under a second at a million devices: per device, its
-- latest observation row and its latest sighting after it. Written by each run's commit in the same transaction,
-- and recomputed from history and compared by `verify`; the views use it only for an as-of time at or after the
-- tenant's latest run, and read history itself for any earlier time.
CREATE TABLE device_latest (
    device       INTEGER PRIMARY KEY REFERENCES device_keys(key),
    tenant       INTEGER NOT NULL REFERENCES tenants(id),
    observation  INTEGER NOT NULL,   -- machine_observations.seq of the device's latest full row
    sighting     INTEGER,            -- the run of its latest sighting after that row, if any
    last_seen    INTEGER,            -- that sighting's lastSeen, seconds since 1970
    fraction     TEXT                -- and its fraction
) STRICT;
CREATE INDEX device_latest_by_tenant ON device_latest (tenant);
CREATE INDEX device_latest_by_observation ON device_latest (observation);

INSERT INTO ledger_formats (format, first_event, first_run)
SELECT 3, (SELECT COALESCE(max(seq), 0) + 1 FROM events), (SELECT COALESCE(max(id), 0) + 1 FROM sync_runs);

-- mde-ledger: reshape history

INSERT OR IGNORE INTO device_keys (tenant, machine_id)
SELECT DISTINCT tenant, machine_id FROM machine_observations ORDER BY tenant, machine_id;

-- machine_actions (current state) points at its latest observation instead of holding a second copy of it.
CREATE TABLE machine_actions_next (
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
    created_at                TEXT,
    last_update_at            TEXT,
    cancellation_requestor    TEXT,
    cancellation_comment      TEXT,
    cancelled_at              TEXT,
    first_observed_at         TEXT NOT NULL,
    observation               INTEGER REFERENCES machine_action_observations(seq),
    PRIMARY KEY (tenant, id)
) STRICT;
INSERT INTO machine_actions_next
SELECT a.tenant, a.id, a.type, a.scope, a.status, a.machine_id, a.computer_dns_name, a.requestor, a.requestor_comment,
    a.request_source, a.external_id, a.title, a.created_at, a.last_update_at, a.cancellation_requestor,
    a.cancellation_comment, a.cancelled_at, a.first_observed_at,
    (SELECT max(o.seq) FROM machine_action_observations o WHERE o.tenant = a.tenant AND o.action_id = a.id)
FROM machine_actions a;
DROP TABLE machine_actions;
ALTER TABLE machine_actions_next RENAME TO machine_actions;
CREATE INDEX machine_actions_by_machine ON machine_actions (tenant, machine_id, type, created_at);

-- What device_latest must hold, computed from history alone (`verify` compares the two).
CREATE VIEW device_latest_expected AS
WITH o AS (
    SELECT k.key AS device, k.tenant, max(o.seq) AS observation, max(o.run) AS run
    FROM machine_observations o JOIN device_keys k ON k.tenant = o.tenant AND k.machine_id = o.machine_id
    GROUP BY k.key
)
SELECT o.device, o.tenant, o.observation, s.run AS sighting, s.last_seen, s.fraction
FROM o LEFT JOIN device_sightings s ON s.device = o.device
    AND s.run = (SELECT max(x.run) FROM device_sightings x WHERE x.device = o.device AND x.run > o.run);

INSERT INTO device_latest (device, tenant, observation, sighting, last_seen, fraction)
SELECT device, tenant, observation, sighting, last_seen, fraction FROM device_latest_expected;

-- The current state of each device is no longer a second copy: it is the device's latest history.
DROP TABLE machines;
CREATE VIEW machines AS
SELECT l.tenant, k.machine_id AS id, l.device,
    o.computer_dns_name, o.aad_device_id, o.os_platform, o.os_version, o.onboarding_status, o.health_status, o.first_seen, CASE WHEN l.sighting IS NULL THEN o.last_seen ELSE strftime('%Y-%m-%dT%H:%M:%SZ', l.last_seen, 'unixepoch') END AS last_seen, o.rbac_group_id, o.rbac_group_name, o.machine_tags, o.merged_into_machine_id, o.is_excluded,
    o.present, o.document, o.last_seen_offset,
    CASE WHEN l.sighting IS NULL THEN o.last_seen_fraction ELSE l.fraction END AS last_seen_fraction
FROM device_latest l
JOIN device_keys k ON k.key = l.device
JOIN machine_observations o ON o.seq = l.observation;
-- Settings and run ends are looked up by kind for every tenant at once: kind first.
DROP INDEX events_by_kind;
CREATE INDEX events_by_kind ON events (kind, tenant, occurred_at);

-- `status NAME` and `offboard --device` find a device by Entra id or host name in one index lookup.
CREATE INDEX machine_observations_by_aad ON machine_observations (lower(aad_device_id));
CREATE INDEX machine_observations_by_host
    ON machine_observations (lower(substr(computer_dns_name, 1, instr(computer_dns_name || '.', '.') - 1)));

-- Each machine's document as last received, for sqlite3 sessions (the current state is a convenience).
CREATE VIEW machine_documents AS
SELECT m.tenant, m.id,
    CASE
        WHEN m.last_seen_offset IS NULL THEN d.body
        ELSE substr(d.body, 1, m.last_seen_offset) || substr(m.last_seen, 1, 19) || m.last_seen_fraction || 'Z'
            || substr(d.body, m.last_seen_offset + 1)
    END AS raw_json
FROM machines m JOIN raw_documents d ON d.id = m.document;

CREATE TRIGGER machine_observations_no_update BEFORE UPDATE ON machine_observations
BEGIN SELECT RAISE(ABORT, 'machine_observations are append-only'); END;
CREATE TRIGGER machine_observations_no_delete BEFORE DELETE ON machine_observations
BEGIN SELECT RAISE(ABORT, 'machine_observations are append-only'); END;
CREATE TRIGGER device_sightings_no_update BEFORE UPDATE ON device_sightings
BEGIN SELECT RAISE(ABORT, 'device_sightings are append-only'); END;
CREATE TRIGGER device_sightings_no_delete BEFORE DELETE ON device_sightings
BEGIN SELECT RAISE(ABORT, 'device_sightings are append-only'); END;
CREATE TRIGGER raw_documents_no_update BEFORE UPDATE ON raw_documents
BEGIN SELECT RAISE(ABORT, 'raw_documents are append-only'); END;
CREATE TRIGGER raw_documents_no_delete BEFORE DELETE ON raw_documents
BEGIN SELECT RAISE(ABORT, 'raw_documents are append-only'); END;
CREATE TRIGGER device_keys_no_update BEFORE UPDATE ON device_keys
BEGIN SELECT RAISE(ABORT, 'device_keys are append-only'); END;
CREATE TRIGGER device_keys_no_delete BEFORE DELETE ON device_keys
BEGIN SELECT RAISE(ABORT, 'device_keys are append-only'); END;

-- Every observation of every device, full rows and sightings alike, with the document as the service sent it.
-- A sighting repeats the fields of the device's observation before it, with its own lastSeen.
CREATE VIEW machine_history AS
SELECT o.tenant, o.machine_id, o.run, o.observed_at, o.seq AS observation, 'observation' AS shape, o.present,
    o.computer_dns_name, o.aad_device_id, o.os_platform, o.os_version, o.onboarding_status, o.health_status, o.first_seen, o.last_seen, o.rbac_group_id, o.rbac_group_name, o.machine_tags, o.merged_into_machine_id, o.is_excluded,
    CASE
        WHEN o.document IS NULL THEN o.raw_json
        WHEN o.last_seen_offset IS NULL THEN d.body
        ELSE substr(d.body, 1, o.last_seen_offset) || substr(o.last_seen, 1, 19) || o.last_seen_fraction || 'Z'
            || substr(d.body, o.last_seen_offset + 1)
    END AS raw_json
FROM machine_observations o LEFT JOIN raw_documents d ON d.id = o.document
UNION ALL
SELECT k.tenant, k.machine_id, s.run, r.observed_at, o.seq, 'sighting', o.present,
    o.computer_dns_name, o.aad_device_id, o.os_platform, o.os_version, o.onboarding_status, o.health_status, o.first_seen, strftime('%Y-%m-%dT%H:%M:%SZ', s.last_seen, 'unixepoch') AS last_seen, o.rbac_group_id, o.rbac_group_name, o.machine_tags, o.merged_into_machine_id, o.is_excluded,
    substr(d.body, 1, o.last_seen_offset) || strftime('%Y-%m-%dT%H:%M:%S', s.last_seen, 'unixepoch') || s.fraction
        || 'Z' || substr(d.body, o.last_seen_offset + 1)
FROM device_sightings s
JOIN device_keys k ON k.key = s.device
JOIN sync_runs r ON r.id = s.run
JOIN machine_observations o ON o.seq = (
    SELECT max(x.seq) FROM machine_observations x
    WHERE x.tenant = k.tenant AND x.machine_id = k.machine_id AND x.run < s.run)
JOIN raw_documents d ON d.id = o.document;

-- device_states (migration 0004) reads device_facts by name, so it needs no new copy.
DROP VIEW device_facts;

-- What the ledger knew about each device at T: its latest observation at or before T (its lastSeen from a later
-- sighting when there is one), its latest Offboard action created at or before T whose observation at or
-- before T names the device, and its retirement. Devices first observed after T do not appear.
CREATE VIEW device_facts AS
WITH params AS (
    SELECT p.*, p.as_of >= (
        SELECT max(r.observed_at) FROM sync_runs r WHERE r.tenant = p.tenant AND r.status = 'committed'
    ) AS current
    FROM lifecycle_params p
),
-- An as-of time before the tenant's latest run: the latest observation at or before T, from history.
past AS (
    SELECT p.tenant, p.as_of, o.machine_id, max(o.seq) AS observation
    FROM params p
    -- CROSS JOIN keeps params the outer loop, so at the latest run (current) no history is read at all.
    CROSS JOIN machine_observations o ON o.tenant = p.tenant AND o.observed_at <= p.as_of
    WHERE NOT p.current
    GROUP BY p.tenant, p.as_of, o.machine_id
),
-- The bare columns of an aggregate max() come from the row that has the maximum (SQLite's documented rule).
past_sighted AS (
    SELECT p.tenant, p.as_of, k.machine_id, max(s.run) AS run, s.last_seen
    FROM params p
    CROSS JOIN sync_runs r ON r.tenant = p.tenant AND r.observed_at <= p.as_of
    CROSS JOIN device_sightings s ON s.run = r.id
    JOIN device_keys k ON k.key = s.device
    WHERE NOT p.current
    GROUP BY p.tenant, p.as_of, s.device
),
known AS (
    SELECT l.tenant, l.as_of, l.machine_id, l.observation, g.run AS sighting, g.last_seen AS sighting_seconds
    FROM past l LEFT JOIN past_sighted g ON g.tenant = l.tenant AND g.as_of = l.as_of AND g.machine_id = l.machine_id
    UNION ALL
    -- At or after the latest run: the derived state the commit keeps (checked by `verify`).
    SELECT p.tenant, p.as_of, k.machine_id, c.observation, c.sighting, c.last_seen
    FROM params p JOIN device_latest c ON c.tenant = p.tenant JOIN device_keys k ON k.key = c.device
    WHERE p.current
),
offboard AS (
    SELECT a.*, row_number() OVER (
        PARTITION BY a.tenant, a.as_of, a.machine_id ORDER BY a.created_at DESC, a.id DESC) AS rank
    FROM offboard_actions a WHERE a.machine_id IS NOT NULL
)
SELECT
    p.tenant, p.tenant_name, n.machine_id, p.as_of,
    p.offboard_grace_hours, p.stale_hours, p.inactive_days, p.retention_days, p.removal_days,
    o.present, o.computer_dns_name, o.aad_device_id, o.os_platform, o.onboarding_status, o.health_status,
    CASE WHEN n.sighting > o.run THEN strftime('%Y-%m-%dT%H:%M:%SZ', n.sighting_seconds, 'unixepoch')
        ELSE o.last_seen END AS last_seen,
    CASE WHEN n.sighting > o.run THEN (SELECT r.observed_at FROM sync_runs r WHERE r.id = n.sighting)
        ELSE o.observed_at END AS last_observed_at,
    a.id AS offboard_action, a.created_at AS offboard_requested_at, a.requestor AS offboard_requestor,
    a.requestor_comment AS offboard_comment, a.status AS offboard_status,
    r.retired_at, r.note AS retirement_note
FROM known n
JOIN params p ON p.tenant = n.tenant AND p.as_of = n.as_of
JOIN machine_observations o ON o.seq = n.observation
LEFT JOIN offboard a ON a.tenant = n.tenant AND a.as_of = n.as_of AND a.machine_id = n.machine_id AND a.rank = 1
LEFT JOIN retirements r ON r.seq = (
    SELECT max(x.seq) FROM retirements x WHERE x.tenant = n.tenant AND x.machine_id = n.machine_id);
