-- 0016_kept_answers: the answer at the latest head is kept, not worked out again by every question (issue 22).
--
-- A question about each tenant's latest run knowing everything recorded (the default of `status`, `devices` and the
-- reports) evaluated the lifecycle rules and the physical-device walk for every device: seconds at 200,000
-- devices, tens of seconds at a million. Now a command that records something ends by writing what physical_devices
-- answers then into kept_answers, with the chain head and the schema it was worked out at (kept_answers_head).
-- A question with the default as-of (or the one time every kept row is for, as the reports name it) and known-at
-- reads kept_answers while that head is the ledger's head and that schema the binary's; any other question, or one after a write that was not followed by a refresh (a crash in
-- between, an older binary), evaluates the views as before. The rows are the views' own output, so the rules
-- keep one definition; `verify` works them out again at the kept head and compares.
--
-- kept_answers is a cache, not history: a refresh deletes and rewrites it. Its columns take whatever the views
-- yield (ANY), so a kept row is the computed row value for value.
--
-- physical_devices is restated with every column of device_states (0011 listed the columns device_states had then),
-- so that one evaluation yields the rows of both.

-- device_facts is restated from 0015 with one change: its latest Offboard action per device is joined through a
-- grouped subquery. SQLite built no index for the join on the window function's rows and scanned all of them for
-- every device: quadratic in a tenant with many Offboard actions (152 s at 200,000 devices and 4,661 actions, 0.9 s
-- now). Grouping by the join's key changes no row: rank 1 is one row per device and time.

CREATE TABLE kept_answers (
    tenant                 ANY,
    tenant_name            ANY,
    machine_id             ANY,
    as_of                  ANY,
    state                  ANY,
    finding                ANY,
    computer_dns_name      ANY,
    aad_device_id          ANY,
    os_platform            ANY,
    onboarding_status      ANY,
    health_status          ANY,
    last_seen              ANY,
    last_observed_at       ANY,
    offboard_action        ANY,
    offboard_requested_at  ANY,
    offboard_requestor     ANY,
    offboard_comment       ANY,
    offboard_status        ANY,
    retired_at             ANY,
    retirement_note        ANY,
    offboard_grace_hours   ANY,
    stale_hours            ANY,
    inactive_days          ANY,
    retention_days         ANY,
    removal_days           ANY,
    merged_into_machine_id ANY,
    first_seen             ANY,
    retired_via            ANY,
    observation            ANY,
    offboard_route         ANY,
    next_step              ANY,
    excepted               ANY,
    exception              ANY,
    exception_note         ANY,
    exception_until        ANY,
    physical_id            ANY,
    ids                    ANY,
    members                ANY,
    potential_duplicate    ANY
) STRICT;
CREATE INDEX kept_answers_by_device ON kept_answers (machine_id);

CREATE TABLE kept_answers_head (
    one         INTEGER PRIMARY KEY CHECK (one = 1),
    head_seq    INTEGER NOT NULL,  -- the last event known when the rows were worked out
    schema      INTEGER NOT NULL,  -- the latest migration of the binary that worked them out
    as_of       TEXT,              -- the as-of time of every kept row, when they share one (one tenant, or
                                   -- tenants synced together): a question naming that time reads them too
    kept_at     TEXT NOT NULL      -- when (wall clock; for people, not for the check)
) STRICT;

-- What device_states and physical_devices answer from kept_answers: every kept device, or the devices a question
-- is about (lifecycle_devices, as device_facts reads it).
CREATE VIEW kept_device_states AS
SELECT
    tenant, tenant_name, machine_id, as_of, state, finding, computer_dns_name, aad_device_id, os_platform,
    onboarding_status, health_status, last_seen, last_observed_at, offboard_action, offboard_requested_at,
    offboard_requestor, offboard_comment, offboard_status, retired_at, retirement_note, offboard_grace_hours,
    stale_hours, inactive_days, retention_days, removal_days, merged_into_machine_id, first_seen,
    retired_via, observation, offboard_route, next_step, excepted, exception, exception_note,
    exception_until
FROM kept_answers
WHERE NOT EXISTS (SELECT 1 FROM lifecycle_devices) OR machine_id IN (SELECT machine_id FROM lifecycle_devices);

CREATE VIEW kept_physical_devices AS
SELECT *
FROM kept_answers
WHERE NOT EXISTS (SELECT 1 FROM lifecycle_devices) OR machine_id IN (SELECT machine_id FROM lifecycle_devices);

-- physical_devices as in 0011, with device_states' later columns (0012: offboard_route, next_step; 0013: the
-- exception columns) before its own.
DROP VIEW physical_devices;

CREATE VIEW physical_devices AS
SELECT g.tenant, g.tenant_name, g.machine_id, g.as_of, g.state, g.finding, g.computer_dns_name, g.aad_device_id, g.os_platform, g.onboarding_status, g.health_status, g.last_seen, g.last_observed_at, g.offboard_action, g.offboard_requested_at, g.offboard_requestor, g.offboard_comment, g.offboard_status, g.retired_at, g.retirement_note, g.offboard_grace_hours, g.stale_hours, g.inactive_days, g.retention_days, g.removal_days, g.merged_into_machine_id, g.first_seen, g.retired_via, g.observation,
    g.offboard_route, g.next_step, g.excepted, g.exception, g.exception_note, g.exception_until,
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
-- One row per device, grouped: SQLite indexes a grouped subquery for this join, and scanned the window's rows for
-- every device otherwise (150 s at 200,000 devices with 4,661 Offboard actions).
LEFT JOIN (SELECT * FROM offboard WHERE rank = 1 GROUP BY tenant, as_of, machine_id) a
    ON a.tenant = n.tenant AND a.as_of = n.as_of AND a.machine_id = n.machine_id
LEFT JOIN inherited i ON i.tenant = n.tenant AND i.as_of = n.as_of AND i.machine_id = n.machine_id
LEFT JOIN retirements r ON r.seq = COALESCE((
    SELECT max(x.seq) FROM retirements x
    WHERE x.tenant = n.tenant AND x.machine_id = n.machine_id AND x.run <= p.known_run), i.retirement);
