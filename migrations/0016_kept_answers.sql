-- 0016_kept_answers: the answer at the latest head is kept, not worked out again by every question (issue 22).
--
-- A question about each tenant's latest run knowing everything recorded (the default of `status`, `devices` and the
-- reports) evaluated the lifecycle rules and the physical-device walk for every device: seconds at 200,000
-- devices, tens of seconds at a million. Now a command that records something ends by writing what physical_devices
-- answers then into kept_answers, with the chain head and the schema it was worked out at (kept_answers_head).
-- A question with the default as-of and known-at reads kept_answers while that head is the ledger's head and that
-- schema the binary's; any other question, or one after a write that was not followed by a refresh (a crash in
-- between, an older binary), evaluates the views as before. The rows are the views' own output, so the rules
-- keep one definition; `verify` works them out again at the kept head and compares.
--
-- kept_answers is a cache, not history: a refresh deletes and rewrites it. Its columns take whatever the views
-- yield (ANY), so a kept row is the computed row value for value.
--
-- physical_devices is restated with every column of device_states (0011 listed the columns device_states had then),
-- so that one evaluation yields the rows of both.

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
