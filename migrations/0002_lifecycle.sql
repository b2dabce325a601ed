-- 0002_lifecycle: retirements, the lifecycle views (state of every device as of a time T), and the table
-- that remembers each device's last derived state so transitions become events exactly once.

-- The retirement list from Intune or the asset system, append-only. The latest row per device counts.
CREATE TABLE retirements (
    seq          INTEGER PRIMARY KEY,
    tenant       INTEGER NOT NULL REFERENCES tenants(id),
    machine_id   TEXT NOT NULL,
    retired_at   TEXT NOT NULL,   -- D: a date alone means 00:00 UTC that day
    note         TEXT,
    device_input TEXT NOT NULL,   -- the cell as written in the file
    matched_by   TEXT NOT NULL CHECK (matched_by IN ('id', 'aad_device_id', 'name')),
    source       TEXT NOT NULL,   -- file name and line
    run          INTEGER NOT NULL REFERENCES sync_runs(id),
    imported_at  TEXT NOT NULL
) STRICT;
CREATE INDEX retirements_by_machine ON retirements (tenant, machine_id, seq);
CREATE TRIGGER retirements_no_update BEFORE UPDATE ON retirements
BEGIN SELECT RAISE(ABORT, 'retirements are append-only'); END;
CREATE TRIGGER retirements_no_delete BEFORE DELETE ON retirements
BEGIN SELECT RAISE(ABORT, 'retirements are append-only'); END;

-- At most one row: the T the views answer for. Empty means each tenant's latest committed snapshot.
-- mde-ledger sets it inside a transaction it rolls back; in sqlite3 do the same:
--   BEGIN; INSERT INTO lifecycle_as_of VALUES ('2026-10-31T00:00:00Z'); SELECT * FROM device_states; ROLLBACK;
CREATE TABLE lifecycle_as_of (
    one    INTEGER PRIMARY KEY CHECK (one = 1),
    as_of  TEXT NOT NULL
) STRICT;

-- Each device's state as last derived after a commit; a derived convenience for emitting transitions.
CREATE TABLE device_lifecycle (
    tenant      INTEGER NOT NULL REFERENCES tenants(id),
    machine_id  TEXT NOT NULL,
    state       TEXT NOT NULL,
    finding     INTEGER NOT NULL,
    since       TEXT NOT NULL,
    PRIMARY KEY (tenant, machine_id)
) STRICT;

-- Per tenant: T and the thresholds (tenant_settings, else the documented defaults).
CREATE VIEW lifecycle_params AS
SELECT
    t.id AS tenant,
    t.name AS tenant_name,
    COALESCE(
        (SELECT as_of FROM lifecycle_as_of),
        (SELECT max(r.observed_at) FROM sync_runs r WHERE r.tenant = t.id AND r.status = 'committed')
    ) AS as_of,
    COALESCE((SELECT CAST(value AS INTEGER) FROM tenant_settings s
              WHERE s.tenant = t.id AND s.key = 'offboard_grace_hours'), 24) AS offboard_grace_hours,
    COALESCE((SELECT CAST(value AS INTEGER) FROM tenant_settings s
              WHERE s.tenant = t.id AND s.key = 'stale_hours'), 48) AS stale_hours,
    COALESCE((SELECT CAST(value AS INTEGER) FROM tenant_settings s
              WHERE s.tenant = t.id AND s.key = 'inactive_days'), 7) AS inactive_days,
    COALESCE((SELECT CAST(value AS INTEGER) FROM tenant_settings s
              WHERE s.tenant = t.id AND s.key = 'retention_days'), 180) AS retention_days,
    COALESCE((SELECT CAST(value AS INTEGER) FROM tenant_settings s
              WHERE s.tenant = t.id AND s.key = 'removal_days'), 180) AS removal_days
FROM tenants t;

-- What the ledger knew about each device at T: its latest observation at or before T, its latest Offboard
-- action created at or before T (and first observed by then) with the status last observed at or before T,
-- and its retirement. Devices first observed after T do not appear.
CREATE VIEW device_facts AS
WITH latest AS (
    SELECT p.*, m.id AS machine_id,
        (SELECT o.seq FROM machine_observations o
         WHERE o.tenant = m.tenant AND o.machine_id = m.id AND o.observed_at <= p.as_of
         ORDER BY o.observed_at DESC, o.seq DESC LIMIT 1) AS observation,
        (SELECT a.id FROM machine_actions a
         WHERE a.tenant = m.tenant AND a.machine_id = m.id AND a.type = 'Offboard' AND a.created_at <= p.as_of
           AND EXISTS (SELECT 1 FROM machine_action_observations ao
                       WHERE ao.tenant = a.tenant AND ao.action_id = a.id AND ao.observed_at <= p.as_of)
         ORDER BY a.created_at DESC, a.id DESC LIMIT 1) AS offboard_action,
        (SELECT r.seq FROM retirements r
         WHERE r.tenant = m.tenant AND r.machine_id = m.id ORDER BY r.seq DESC LIMIT 1) AS retirement
    FROM lifecycle_params p JOIN machines m ON m.tenant = p.tenant
    WHERE p.as_of IS NOT NULL
)
SELECT
    l.tenant, l.tenant_name, l.machine_id, l.as_of,
    l.offboard_grace_hours, l.stale_hours, l.inactive_days, l.retention_days, l.removal_days,
    o.present, o.computer_dns_name, o.aad_device_id, o.os_platform, o.onboarding_status, o.health_status,
    o.last_seen, o.observed_at AS last_observed_at,
    l.offboard_action,
    a.created_at AS offboard_requested_at, a.requestor AS offboard_requestor,
    a.requestor_comment AS offboard_comment,
    (SELECT ao.status FROM machine_action_observations ao
     WHERE ao.tenant = l.tenant AND ao.action_id = l.offboard_action AND ao.observed_at <= l.as_of
     ORDER BY ao.observed_at DESC, ao.seq DESC LIMIT 1) AS offboard_status,
    r.retired_at, r.note AS retirement_note
FROM latest l
JOIN machine_observations o ON o.seq = l.observation
LEFT JOIN machine_actions a ON a.tenant = l.tenant AND a.id = l.offboard_action
LEFT JOIN retirements r ON r.seq = l.retirement;

-- The state of every device as of T: the rules of design.md ("Lifecycle states"), first match wins.
-- Times are compared as whole seconds since the epoch so threshold edges are exact.
-- LifecycleRules.swift holds the same rules; LifecycleAgreementTests requires both to agree.
CREATE VIEW device_states AS
WITH f AS MATERIALIZED (
    SELECT *,
        CAST(strftime('%s', as_of) AS INTEGER) AS t,
        CAST(strftime('%s', last_seen) AS INTEGER) AS l,
        CAST(strftime('%s', offboard_requested_at) AS INTEGER) AS r,
        CAST(strftime('%s', retired_at) AS INTEGER) AS d
    FROM device_facts
),
s AS (
    SELECT f.*,
        CASE
            WHEN present = 0 AND (l IS NULL OR t < l + retention_days * 86400) THEN 'removed'
            WHEN l IS NOT NULL AND t >= l + retention_days * 86400 THEN 'retention-expired'
            WHEN offboard_status IN ('Failed', 'TimeOut', 'Cancelled') THEN 'offboard-failed'
            WHEN offboard_status IN ('Pending', 'InProgress') THEN 'offboard-pending'
            WHEN offboard_status = 'Succeeded' AND l > r + offboard_grace_hours * 3600
                THEN 'offboarded-still-reporting'
            WHEN offboard_status = 'Succeeded' AND t < r + offboard_grace_hours * 3600 THEN 'offboard-confirming'
            WHEN offboard_status = 'Succeeded' THEN 'offboarded'
            WHEN d <= t AND offboard_action IS NULL AND l > d + offboard_grace_hours * 3600
                THEN 'retired-still-reporting'
            WHEN d <= t AND offboard_action IS NULL THEN 'retired-not-offboarded'
            WHEN onboarding_status IS NOT NULL AND lower(onboarding_status) <> 'onboarded' THEN 'not-onboarded'
            WHEN t - l > inactive_days * 86400 THEN 'inactive'
            WHEN t - l > stale_hours * 3600 THEN 'stale'
            ELSE 'active'
        END AS state
    FROM f
)
SELECT
    tenant, tenant_name, machine_id, as_of, state,
    CASE
        WHEN state IN ('removed', 'offboard-failed', 'offboarded-still-reporting', 'retired-still-reporting',
                       'retired-not-offboarded') THEN 1
        WHEN state = 'offboard-pending' AND t - r > 7 * 86400 THEN 1
        ELSE 0
    END AS finding,
    computer_dns_name, aad_device_id, os_platform, onboarding_status, health_status, last_seen,
    last_observed_at, offboard_action, offboard_requested_at, offboard_requestor, offboard_comment,
    offboard_status, retired_at, retirement_note,
    offboard_grace_hours, stale_hours, inactive_days, retention_days, removal_days
FROM s;

-- Offboard actions with their latest known status, for plain sqlite3 sessions and reports.
CREATE VIEW offboard_actions AS
SELECT a.tenant, a.id, a.machine_id, a.computer_dns_name, a.status, a.requestor, a.requestor_comment,
       a.created_at, a.last_update_at, a.first_observed_at
FROM machine_actions a WHERE a.type = 'Offboard';
