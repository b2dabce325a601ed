-- 0008_known_at: answers as known at an earlier head (issue 18). Every fact has a valid time (when it was true) and
-- a recording time (the event seq that recorded it). The lifecycle views answer "as of T" (valid time) and, from
-- this migration on, "as known at S" (recording time): only facts recorded at or before event S count.
--
-- * lifecycle_known_at holds at most one row, the event seq S; empty means the latest head. mde-ledger never
--   writes it: like lifecycle_as_of it shadows it with a TEMP table on its own connection. In sqlite3:
--     BEGIN; INSERT INTO lifecycle_known_at VALUES (1, 4812); SELECT * FROM device_states; ROLLBACK;
--   The parameter reaches the views through this one small table, so another SQL engine can run them as they are.
-- * lifecycle_params carries known_seq and known_run: a history row is known once its run's run_committed event
--   is (seq <= S); run ids grow in commit order, so "its run <= known_run" says it. Settings are known by their
--   event seq; a tenant once one of its events is.
-- * device_facts, action_states and offboard_actions read only known rows; device_latest (the derived current
--   state) is used only when the knowledge covers the tenant's latest run.

CREATE TABLE lifecycle_known_at (
    one        INTEGER PRIMARY KEY CHECK (one = 1),
    known_seq  INTEGER NOT NULL
) STRICT;

-- What the views may know: everything recorded at or before event known_seq (the latest head when
-- lifecycle_known_at is empty). A history row is known once its run's run_committed event is, and run ids grow in
-- commit order, so "its run <= known_run" says it. Reports that read tables directly filter by these two.
CREATE VIEW lifecycle_knowledge AS
SELECT k.known_seq,
    CASE WHEN EXISTS (SELECT 1 FROM lifecycle_known_at)
        THEN COALESCE((SELECT max(e.run) FROM events e WHERE e.kind = 'run_committed' AND e.seq <= k.known_seq), 0)
        ELSE COALESCE((SELECT max(id) FROM sync_runs), 0) END AS known_run
FROM (SELECT COALESCE((SELECT known_seq FROM lifecycle_known_at),
                      (SELECT COALESCE(max(seq), 0) FROM events)) AS known_seq) k;

DROP VIEW device_facts;
DROP VIEW offboard_actions;
DROP VIEW action_states;
DROP VIEW lifecycle_params;

CREATE VIEW lifecycle_params AS
WITH knowledge AS (SELECT known_seq, known_run FROM lifecycle_knowledge),
known_tenants AS (
    SELECT t.* FROM tenants t, knowledge w
    WHERE EXISTS (SELECT 1 FROM events e WHERE e.tenant = t.id AND e.seq <= w.known_seq)
),
points AS (
    SELECT t.id AS tenant, t.name AS tenant_name, a.as_of FROM known_tenants t JOIN lifecycle_as_of a
    UNION ALL
    SELECT t.id, t.name,
        -- Retirement-list imports end with run_committed too, but describe no snapshot (they count retirements).
        (SELECT max(e.occurred_at) FROM events e, knowledge w
         WHERE e.tenant = t.id AND e.kind = 'run_committed' AND e.payload ->> '$.retirements' IS NULL
           AND e.seq <= w.known_seq)
    FROM known_tenants t WHERE NOT EXISTS (SELECT 1 FROM lifecycle_as_of)
),
setting AS (
    SELECT p.tenant, p.tenant_name, p.as_of, k.key, k.fallback,
        (SELECT h.value FROM tenant_settings_history h, knowledge w
         WHERE h.tenant = p.tenant AND h.key = k.key AND h.effective_at <= p.as_of AND h.seq <= w.known_seq
         ORDER BY h.seq DESC LIMIT 1) AS value
    FROM points p
    JOIN (SELECT 'offboard_grace_hours' AS key, 24 AS fallback UNION ALL SELECT 'stale_hours', 48
          UNION ALL SELECT 'inactive_days', 7 UNION ALL SELECT 'retention_days', 180
          UNION ALL SELECT 'removal_days', 180) k
    WHERE p.as_of IS NOT NULL
)
SELECT tenant, tenant_name, as_of,
    (SELECT known_seq FROM knowledge) AS known_seq, (SELECT known_run FROM knowledge) AS known_run,
    max(CASE key WHEN 'offboard_grace_hours' THEN COALESCE(value, fallback) END) AS offboard_grace_hours,
    max(CASE key WHEN 'stale_hours' THEN COALESCE(value, fallback) END) AS stale_hours,
    max(CASE key WHEN 'inactive_days' THEN COALESCE(value, fallback) END) AS inactive_days,
    max(CASE key WHEN 'retention_days' THEN COALESCE(value, fallback) END) AS retention_days,
    max(CASE key WHEN 'removal_days' THEN COALESCE(value, fallback) END) AS removal_days
FROM setting GROUP BY tenant, as_of;

CREATE VIEW action_states AS
SELECT p.tenant, p.as_of, ao.seq, ao.action_id, ao.run, ao.observed_at, ao.type, ao.created_at, ao.status,
    ao.machine_id, ao.last_update_at, ao.cancellation_requestor, ao.cancellation_comment, ao.cancelled_at,
    ao.raw_json
FROM lifecycle_params p
JOIN machine_action_observations ao ON ao.seq = (
    SELECT max(x.seq) FROM machine_action_observations x
    WHERE x.tenant = p.tenant AND x.action_id = ao.action_id AND x.observed_at <= p.as_of AND x.run <= p.known_run)
WHERE ao.tenant = p.tenant AND ao.observed_at <= p.as_of AND ao.run <= p.known_run;

CREATE VIEW offboard_actions AS
SELECT s.tenant, s.as_of, s.action_id AS id, s.machine_id, s.raw_json ->> '$.computerDnsName' AS computer_dns_name,
    s.status, s.raw_json ->> '$.requestor' AS requestor, s.raw_json ->> '$.requestorComment' AS requestor_comment,
    s.created_at, s.last_update_at,
    (SELECT min(x.observed_at) FROM machine_action_observations x
     WHERE x.tenant = s.tenant AND x.action_id = s.action_id
       AND x.run <= (SELECT p.known_run FROM lifecycle_params p WHERE p.tenant = s.tenant AND p.as_of = s.as_of))
    AS first_observed_at
FROM action_states s
WHERE s.type = 'Offboard' AND s.created_at <= s.as_of;

CREATE VIEW device_facts AS
WITH params AS (
    SELECT p.*, p.as_of >= (
        SELECT max(r.observed_at) FROM sync_runs r WHERE r.tenant = p.tenant AND r.status = 'committed'
    ) AND p.known_run >= (SELECT max(r.id) FROM sync_runs r WHERE r.tenant = p.tenant AND r.status = 'committed')
    AS current
    FROM lifecycle_params p
),
-- An as-of time before the tenant's latest run: the latest observation at or before T, from history.
past AS (
    SELECT p.tenant, p.as_of, o.machine_id, max(o.seq) AS observation
    FROM params p
    -- CROSS JOIN keeps params the outer loop, so at the latest run (current) no history is read at all.
    CROSS JOIN machine_observations o ON o.tenant = p.tenant AND o.observed_at <= p.as_of AND o.run <= p.known_run
    WHERE NOT p.current
    GROUP BY p.tenant, p.as_of, o.machine_id
),
-- The bare columns of an aggregate max() come from the row that has the maximum (SQLite's documented rule).
past_sighted AS (
    SELECT p.tenant, p.as_of, k.machine_id, max(s.run) AS run, s.last_seen
    FROM params p
    CROSS JOIN sync_runs r ON r.tenant = p.tenant AND r.observed_at <= p.as_of AND r.id <= p.known_run
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
    SELECT max(x.seq) FROM retirements x
    WHERE x.tenant = n.tenant AND x.machine_id = n.machine_id AND x.run <= p.known_run);
