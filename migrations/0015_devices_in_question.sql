-- 0015_devices_in_question: answers about one device read that device, not every device (issue 22).
--
-- `status DEVICE` used to read a copy of device_states made by editing its text (MATERIALIZED → NOT
-- MATERIALIZED), and even so SQLite evaluated the facts of every device of the tenant, because a filter on
-- machine_id does not reach into device_facts' compound `known`. Instead, the question names its devices:
--
-- * lifecycle_devices holds the machine ids a question is about, like lifecycle_as_of holds its times; empty
--   (always, in the file itself) means every device. mde-ledger fills a TEMP table of the same name per
--   connection, which its TEMP copies of the views read (see 0004 and LifecycleViews).
-- * device_facts reads its three per-device sources (history before the latest run, sightings before it, and the
--   derived latest state) once for every device when the list is empty, and else through each listed id's index
--   entries. The rules are untouched: every arm yields the rows the old view yields for those ids.
-- * device_keys gets an index on lower(machine_id), so the case-insensitive lookup of a device id is a search.

CREATE INDEX device_keys_by_folded_id ON device_keys (lower(machine_id));

CREATE TABLE lifecycle_devices (machine_id TEXT PRIMARY KEY) STRICT;

DROP VIEW device_facts;

CREATE VIEW device_facts AS
WITH RECURSIVE params AS (
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
    WHERE NOT p.current AND NOT EXISTS (SELECT 1 FROM lifecycle_devices)
    GROUP BY p.tenant, p.as_of, o.machine_id
    UNION ALL
    SELECT p.tenant, p.as_of, o.machine_id, max(o.seq) AS observation
    FROM params p
    CROSS JOIN lifecycle_devices d
    CROSS JOIN machine_observations o ON o.tenant = p.tenant AND o.machine_id = d.machine_id
        AND o.observed_at <= p.as_of AND o.run <= p.known_run
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
    WHERE NOT p.current AND NOT EXISTS (SELECT 1 FROM lifecycle_devices)
    GROUP BY p.tenant, p.as_of, s.device
    UNION ALL
    SELECT p.tenant, p.as_of, k.machine_id, max(s.run) AS run, s.last_seen
    FROM params p
    CROSS JOIN lifecycle_devices d
    CROSS JOIN device_keys k ON k.machine_id = d.machine_id AND k.tenant = p.tenant
    CROSS JOIN device_sightings s ON s.device = k.key
    JOIN sync_runs r ON r.id = s.run AND r.observed_at <= p.as_of AND r.id <= p.known_run
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
    WHERE p.current AND NOT EXISTS (SELECT 1 FROM lifecycle_devices)
    UNION ALL
    SELECT p.tenant, p.as_of, k.machine_id, c.observation, c.sighting, c.last_seen
    FROM params p
    CROSS JOIN lifecycle_devices d
    CROSS JOIN device_keys k ON k.machine_id = d.machine_id AND k.tenant = p.tenant
    JOIN device_latest c ON c.device = k.key
    WHERE p.current
),
offboard AS (
    SELECT a.*, row_number() OVER (
        PARTITION BY a.tenant, a.as_of, a.machine_id ORDER BY a.created_at DESC, a.id DESC) AS rank
    FROM offboard_actions a WHERE a.machine_id IS NOT NULL
),
-- Each retired id known at S with its latest retirement row; its successors at T, walked from there (few: only
-- retired ids start a walk, each step an index lookup of one id's latest observation at or before T).
retired AS (
    SELECT p.tenant, p.as_of, p.known_run, x.machine_id, max(x.seq) AS retirement
    FROM params p JOIN retirements x ON x.tenant = p.tenant AND x.run <= p.known_run
    GROUP BY p.tenant, p.as_of, x.machine_id
),
successors (tenant, as_of, known_run, retirement, machine_id) AS (
    SELECT tenant, as_of, known_run, retirement, machine_id FROM retired
    UNION
    -- the id it was merged into
    SELECT s.tenant, s.as_of, s.known_run, s.retirement, o.merged_into_machine_id
    FROM successors s
    JOIN machine_observations o ON o.seq = (
        SELECT max(z.seq) FROM machine_observations z
        WHERE z.tenant = s.tenant AND z.machine_id = s.machine_id AND z.observed_at <= s.as_of
          AND z.run <= s.known_run)
    WHERE o.merged_into_machine_id <> ''
    UNION
    -- an id with the same Entra device id, first seen by MDE later
    SELECT s.tenant, s.as_of, s.known_run, s.retirement, y.machine_id
    FROM successors s
    JOIN machine_observations a ON a.seq = (
        SELECT max(z.seq) FROM machine_observations z
        WHERE z.tenant = s.tenant AND z.machine_id = s.machine_id AND z.observed_at <= s.as_of
          AND z.run <= s.known_run)
    JOIN machine_observations y ON lower(y.aad_device_id) = lower(a.aad_device_id) AND y.tenant = s.tenant
    WHERE trim(a.aad_device_id) <> '' AND lower(a.aad_device_id) <> '00000000-0000-0000-0000-000000000000'
      AND y.machine_id <> s.machine_id AND julianday(y.first_seen) > julianday(a.first_seen)
      AND y.seq = (
        SELECT max(z.seq) FROM machine_observations z
        WHERE z.tenant = y.tenant AND z.machine_id = y.machine_id AND z.observed_at <= s.as_of
          AND z.run <= s.known_run)
),
-- A successor's inherited retirement: the latest recorded among its retired predecessors'.
inherited AS (
    SELECT s.tenant, s.as_of, s.machine_id, max(s.retirement) AS retirement
    FROM successors s JOIN retirements x ON x.seq = s.retirement
    WHERE x.machine_id <> s.machine_id
    GROUP BY s.tenant, s.as_of, s.machine_id
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
    r.retired_at, r.note AS retirement_note,
    NULLIF(o.merged_into_machine_id, '') AS merged_into_machine_id, o.first_seen,
    CASE WHEN r.machine_id <> n.machine_id THEN r.machine_id END AS retired_via,
    n.observation
FROM known n
JOIN params p ON p.tenant = n.tenant AND p.as_of = n.as_of
JOIN machine_observations o ON o.seq = n.observation
LEFT JOIN offboard a ON a.tenant = n.tenant AND a.as_of = n.as_of AND a.machine_id = n.machine_id AND a.rank = 1
LEFT JOIN inherited i ON i.tenant = n.tenant AND i.as_of = n.as_of AND i.machine_id = n.machine_id
LEFT JOIN retirements r ON r.seq = COALESCE((
    SELECT max(x.seq) FROM retirements x
    WHERE x.tenant = n.tenant AND x.machine_id = n.machine_id AND x.run <= p.known_run), i.retirement);
