-- 0004_audit: every verdict derived from chained history only (issue 10).
--
-- * Action observations carry the action's type and creation time, so the lifecycle never reads the mutable
--   machine_actions table; the machine id is taken from the observation at or before T.
-- * Thresholds in force at T come from the hash-chained tenant_added / tenant_setting_changed events.
-- * The default T of each tenant is the observation time of its latest run_committed event.
-- * The device list is the set of devices observed at or before T, not the machines table.
-- * ledger_formats records from which event and run on the RFC 8785 event encoding, the fixed-column run
--   digests and "every run ends with run_committed" apply; older history keeps verifying with the old rules.
-- * lifecycle_as_of may hold several times. mde-ledger never writes it: each connection shadows it with a TEMP
--   table and TEMP copies of these views, so questions about the past work on a read-only file.

DROP TRIGGER machine_action_observations_no_update;
ALTER TABLE machine_action_observations ADD COLUMN type TEXT;
ALTER TABLE machine_action_observations ADD COLUMN created_at TEXT;
UPDATE machine_action_observations SET
    type = (SELECT a.type FROM machine_actions a
            WHERE a.tenant = machine_action_observations.tenant AND a.id = machine_action_observations.action_id),
    created_at = (SELECT a.created_at FROM machine_actions a
                  WHERE a.tenant = machine_action_observations.tenant AND a.id = machine_action_observations.action_id);
CREATE TRIGGER machine_action_observations_no_update BEFORE UPDATE ON machine_action_observations
BEGIN SELECT RAISE(ABORT, 'machine_action_observations are append-only'); END;
CREATE INDEX machine_action_observations_by_machine
    ON machine_action_observations (tenant, machine_id, type, observed_at);

CREATE TABLE ledger_formats (
    format       INTEGER PRIMARY KEY,
    first_event  INTEGER NOT NULL,   -- events with seq >= first_event are encoded in this format
    first_run    INTEGER NOT NULL    -- runs with id >= first_run follow this format's rules
) STRICT;
INSERT INTO ledger_formats (format, first_event, first_run)
SELECT 2, (SELECT COALESCE(max(seq), 0) + 1 FROM events), (SELECT COALESCE(max(id), 0) + 1 FROM sync_runs);
CREATE TRIGGER ledger_formats_no_update BEFORE UPDATE ON ledger_formats
BEGIN SELECT RAISE(ABORT, 'ledger_formats are append-only'); END;
CREATE TRIGGER ledger_formats_no_delete BEFORE DELETE ON ledger_formats
BEGIN SELECT RAISE(ABORT, 'ledger_formats are append-only'); END;

DROP VIEW offboard_actions;
DROP VIEW device_states;
DROP VIEW device_facts;
DROP VIEW lifecycle_params;
DROP TABLE lifecycle_as_of;

-- The times the views answer for; empty means each tenant's latest committed run. For plain sqlite3 sessions:
--   BEGIN; INSERT INTO lifecycle_as_of VALUES ('2026-10-31T23:59:59Z'); SELECT * FROM device_states; ROLLBACK;
-- `verify` reports rows left here; mde-ledger's own answers never read this table.
CREATE TABLE lifecycle_as_of (
    as_of  TEXT PRIMARY KEY
) STRICT;

-- Every threshold change as recorded in the hash chain: settings given to `tenant add` hold from the start,
-- `tenant set` changes from the moment they were made. value NULL means "back to the default".
CREATE VIEW tenant_settings_history AS
SELECT e.seq, e.tenant, e.occurred_at AS effective_at, e.payload ->> '$.key' AS key,
       CAST(e.payload ->> '$.to' AS INTEGER) AS value
FROM events e WHERE e.kind = 'tenant_setting_changed'
UNION ALL
SELECT e.seq, e.tenant, '0000-01-01T00:00:00Z', j.key, CAST(j.value AS INTEGER)
FROM events e, json_each(e.payload) j
WHERE e.kind = 'tenant_added' AND j.type = 'integer';

-- Per tenant and as-of time: T and the thresholds in force at T (else the documented defaults).
CREATE VIEW lifecycle_params AS
WITH points AS (
    SELECT t.id AS tenant, t.name AS tenant_name, a.as_of FROM tenants t JOIN lifecycle_as_of a
    UNION ALL
    SELECT t.id, t.name,
        -- Retirement-list imports end with run_committed too, but describe no snapshot (they count retirements).
        (SELECT max(e.occurred_at) FROM events e
         WHERE e.tenant = t.id AND e.kind = 'run_committed' AND e.payload ->> '$.retirements' IS NULL)
    FROM tenants t WHERE NOT EXISTS (SELECT 1 FROM lifecycle_as_of)
),
setting AS (
    SELECT p.tenant, p.tenant_name, p.as_of, k.key, k.fallback,
        (SELECT h.value FROM tenant_settings_history h
         WHERE h.tenant = p.tenant AND h.key = k.key AND h.effective_at <= p.as_of
         ORDER BY h.seq DESC LIMIT 1) AS value
    FROM points p
    JOIN (SELECT 'offboard_grace_hours' AS key, 24 AS fallback UNION ALL SELECT 'stale_hours', 48
          UNION ALL SELECT 'inactive_days', 7 UNION ALL SELECT 'retention_days', 180
          UNION ALL SELECT 'removal_days', 180) k
    WHERE p.as_of IS NOT NULL
)
SELECT tenant, tenant_name, as_of,
    max(CASE key WHEN 'offboard_grace_hours' THEN COALESCE(value, fallback) END) AS offboard_grace_hours,
    max(CASE key WHEN 'stale_hours' THEN COALESCE(value, fallback) END) AS stale_hours,
    max(CASE key WHEN 'inactive_days' THEN COALESCE(value, fallback) END) AS inactive_days,
    max(CASE key WHEN 'retention_days' THEN COALESCE(value, fallback) END) AS retention_days,
    max(CASE key WHEN 'removal_days' THEN COALESCE(value, fallback) END) AS removal_days
FROM setting GROUP BY tenant, as_of;

-- Each machine action as last observed at or before T. Observation rows are written in time order, so the
-- highest seq at or before T is the latest.
CREATE VIEW action_states AS
SELECT p.tenant, p.as_of, ao.seq, ao.action_id, ao.run, ao.observed_at, ao.type, ao.created_at, ao.status,
    ao.machine_id, ao.last_update_at, ao.cancellation_requestor, ao.cancellation_comment, ao.cancelled_at,
    ao.raw_json
FROM lifecycle_params p
JOIN machine_action_observations ao ON ao.seq = (
    SELECT max(x.seq) FROM machine_action_observations x
    WHERE x.tenant = p.tenant AND x.action_id = ao.action_id AND x.observed_at <= p.as_of)
WHERE ao.tenant = p.tenant AND ao.observed_at <= p.as_of;

-- Offboard actions as of T, as the ledger knew them then, for reports and plain sqlite3 sessions.
CREATE VIEW offboard_actions AS
SELECT s.tenant, s.as_of, s.action_id AS id, s.machine_id, s.raw_json ->> '$.computerDnsName' AS computer_dns_name,
    s.status, s.raw_json ->> '$.requestor' AS requestor, s.raw_json ->> '$.requestorComment' AS requestor_comment,
    s.created_at, s.last_update_at,
    (SELECT min(x.observed_at) FROM machine_action_observations x
     WHERE x.tenant = s.tenant AND x.action_id = s.action_id) AS first_observed_at
FROM action_states s
WHERE s.type = 'Offboard' AND s.created_at <= s.as_of;

-- What the ledger knew about each device at T: its latest observation at or before T, its latest Offboard
-- action created at or before T whose observation at or before T names the device, and its retirement.
-- Devices first observed after T do not appear.
CREATE VIEW device_facts AS
WITH latest AS (
    SELECT p.tenant, p.tenant_name, p.as_of, p.offboard_grace_hours, p.stale_hours, p.inactive_days,
        p.retention_days, p.removal_days, o.machine_id, max(o.seq) AS observation
    FROM lifecycle_params p
    JOIN machine_observations o ON o.tenant = p.tenant AND o.observed_at <= p.as_of
    GROUP BY p.tenant, p.as_of, o.machine_id
),
offboard AS (
    SELECT a.*, row_number() OVER (
        PARTITION BY a.tenant, a.as_of, a.machine_id ORDER BY a.created_at DESC, a.id DESC) AS rank
    FROM offboard_actions a WHERE a.machine_id IS NOT NULL
)
SELECT
    l.tenant, l.tenant_name, l.machine_id, l.as_of,
    l.offboard_grace_hours, l.stale_hours, l.inactive_days, l.retention_days, l.removal_days,
    o.present, o.computer_dns_name, o.aad_device_id, o.os_platform, o.onboarding_status, o.health_status,
    o.last_seen, o.observed_at AS last_observed_at,
    a.id AS offboard_action, a.created_at AS offboard_requested_at, a.requestor AS offboard_requestor,
    a.requestor_comment AS offboard_comment, a.status AS offboard_status,
    r.retired_at, r.note AS retirement_note
FROM latest l
JOIN machine_observations o ON o.seq = l.observation
LEFT JOIN offboard a ON a.tenant = l.tenant AND a.as_of = l.as_of AND a.machine_id = l.machine_id AND a.rank = 1
LEFT JOIN retirements r ON r.seq = (
    SELECT max(x.seq) FROM retirements x WHERE x.tenant = l.tenant AND x.machine_id = l.machine_id);

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
            WHEN lower(COALESCE(onboarding_status, '')) <> 'onboarded' THEN 'not-onboarded'
            WHEN l IS NULL THEN 'stale'
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
