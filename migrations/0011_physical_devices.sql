-- 0011_physical_devices: one physical device across re-images (issue 20). MDE gives a re-imaged or re-onboarded
-- device a new machine id; the old id stays listed until its retention ends. Two facts MDE itself records tie the
-- ids of one physical device together, and only these two (docs/lifecycle.md, "One physical device"):
--
-- * mergedIntoMachineId: MDE merged this id into that one (the id it now reports as);
-- * aadDeviceId: the Entra device id, when it is not empty and not the all-zero GUID. A device that re-joins Entra
--   under a new registration gets a new one, so a shared value means the same registration.
--
-- Not used: isPotentialDuplication (MDE's guess, with nothing naming the other id), the host name (re-used and
-- renamed at will), IP and MAC addresses. physical_devices shows isPotentialDuplication, it folds nothing.
--
-- Every link is read from each id's facts at T as known at S (its latest observation at or before T, recorded by
-- event S): the same device_facts the lifecycle uses, so an answer as of T or known at S folds what was known then.
--
-- * device_facts gains merged_into_machine_id, first_seen and retired_via, and a retirement reaches the
--   successors of the retired id: the id it was merged into, and an id first seen later with the same Entra device
--   id, and theirs in turn. Such a successor without a retirement of its own is retired from the same date by the
--   same row (retired_at, retirement_note); retired_via names the id that row retires. Its own retirement, when it
--   has one, wins. An earlier id (a predecessor) is never retired by its successor's retirement.
-- * physical_devices maps each device known at T to its physical device: the set of ids reachable through those
--   links in either direction (a merge chain followed to its end, ids sharing an Entra device id, and on). Its
--   representative, physical_id, is the member not merged into another id, first seen last (the newest
--   incarnation), then the greatest id; a device with no link is its own physical device.

-- Who was merged into an id: the reverse direction of a merge, found by index.
CREATE INDEX machine_observations_by_merged ON machine_observations (tenant, merged_into_machine_id)
    WHERE merged_into_machine_id IS NOT NULL;

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

-- device_states as in 0004, with the new facts passed on (retired_via: whose retirement a successor inherited).
DROP VIEW device_states;

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
    offboard_grace_hours, stale_hours, inactive_days, retention_days, removal_days,
    merged_into_machine_id, first_seen, retired_via, observation
FROM s;

-- device_states with each device's physical device: every device known at T, its state, and
-- * members: the ids of its physical device known at T, a JSON array, the representative first (then by first
--   seen, newest first); physical_id, the representative; ids, how many;
-- * potential_duplicate: 1 when MDE flags the id isPotentialDuplication (shown, never folded).
-- A device is walked only when something could link it (a merge either way, or its Entra device id on another id
-- in history); the walk reads each id's latest observation at or before T known at S, so a link recorded later
-- does not count yet. For one device (`status`) mde-ledger reads the same view over device_state_of_one.
CREATE VIEW physical_devices AS
SELECT g.tenant, g.tenant_name, g.machine_id, g.as_of, g.state, g.finding, g.computer_dns_name, g.aad_device_id, g.os_platform, g.onboarding_status, g.health_status, g.last_seen, g.last_observed_at, g.offboard_action, g.offboard_requested_at, g.offboard_requestor, g.offboard_comment, g.offboard_status, g.retired_at, g.retirement_note, g.offboard_grace_hours, g.stale_hours, g.inactive_days, g.retention_days, g.removal_days, g.merged_into_machine_id, g.first_seen, g.retired_via, g.observation,
    j.value AS physical_id, json_array_length(j.json) AS ids, j.json AS members, g.potential_duplicate
FROM (
    SELECT s.*,
        -- Text search first: parsing every document costs more than the rest of the view.
        COALESCE((SELECT t.doc ->> '$.isPotentialDuplication' IS 1
         FROM (SELECT COALESCE(d.body, o.raw_json) AS doc
               FROM machine_observations o LEFT JOIN raw_documents d ON d.id = o.document
               WHERE o.seq = s.observation) t
         WHERE (instr(t.doc, '"isPotentialDuplication":true') OR instr(t.doc, '"isPotentialDuplication": true'))
           AND json_valid(t.doc)), 0) AS potential_duplicate,
        CASE
            WHEN s.merged_into_machine_id IS NULL
                AND NOT EXISTS (SELECT 1 FROM machine_observations x
                                WHERE x.tenant = s.tenant AND x.merged_into_machine_id = s.machine_id)
                AND NOT (COALESCE(trim(s.aad_device_id), '') <> ''
                         AND lower(s.aad_device_id) <> '00000000-0000-0000-0000-000000000000'
                         AND EXISTS (SELECT 1 FROM machine_observations x
                                     WHERE lower(x.aad_device_id) = lower(s.aad_device_id)
                                       AND x.machine_id <> s.machine_id AND x.tenant = s.tenant))
            THEN json_array(s.machine_id)
            ELSE (
                WITH RECURSIVE walk (id) AS (
                    SELECT s.machine_id
                    UNION
                    -- the id it was merged into
                    SELECT o.merged_into_machine_id
                    FROM walk w
                    JOIN machine_observations o ON o.seq = (
                        SELECT max(z.seq) FROM machine_observations z
                        WHERE z.tenant = s.tenant AND z.machine_id = w.id AND z.observed_at <= s.as_of
                          AND z.run <= p.known_run)
                    WHERE o.merged_into_machine_id <> ''
                    UNION
                    -- the ids merged into it
                    SELECT o.machine_id
                    FROM walk w
                    JOIN machine_observations o ON o.tenant = s.tenant AND o.merged_into_machine_id = w.id
                    WHERE o.seq = (
                        SELECT max(z.seq) FROM machine_observations z
                        WHERE z.tenant = o.tenant AND z.machine_id = o.machine_id AND z.observed_at <= s.as_of
                          AND z.run <= p.known_run)
                    UNION
                    -- the ids with the same Entra device id
                    SELECT y.machine_id
                    FROM walk w
                    JOIN machine_observations a ON a.seq = (
                        SELECT max(z.seq) FROM machine_observations z
                        WHERE z.tenant = s.tenant AND z.machine_id = w.id AND z.observed_at <= s.as_of
                          AND z.run <= p.known_run)
                    JOIN machine_observations y ON lower(y.aad_device_id) = lower(a.aad_device_id)
                        AND y.tenant = s.tenant
                    WHERE trim(a.aad_device_id) <> ''
                      AND lower(a.aad_device_id) <> '00000000-0000-0000-0000-000000000000'
                      AND y.seq = (
                        SELECT max(z.seq) FROM machine_observations z
                        WHERE z.tenant = y.tenant AND z.machine_id = y.machine_id AND z.observed_at <= s.as_of
                          AND z.run <= p.known_run)
                )
                -- Members known at T: an id merged into none of them first, then first seen last, then the
                -- greatest id.
                SELECT json_group_array(id) FROM (
                    SELECT w.id FROM walk w
                    JOIN machine_observations o ON o.seq = (
                        SELECT max(z.seq) FROM machine_observations z
                        WHERE z.tenant = s.tenant AND z.machine_id = w.id AND z.observed_at <= s.as_of
                          AND z.run <= p.known_run)
                    ORDER BY COALESCE(o.merged_into_machine_id, '') <> '', julianday(o.first_seen) DESC NULLS LAST,
                        w.id DESC))
        END AS members
    FROM device_states s
    JOIN lifecycle_params p ON p.tenant = s.tenant AND p.as_of = s.as_of
) g
-- The walk runs once per device, as json_each's argument; a column naming it would run it once per use.
JOIN json_each(g.members) j ON j.key = 0;
