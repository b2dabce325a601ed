-- 0013_exceptions: risk acceptance, and offboardings done outside the API (issue 21).
--
-- * finding_exceptions: `exception add DEVICE --state STATE --reason TEXT --until DATE [--approved-by NAME]`
--   accepts one finding of one device: while the device is in that state, from valid_from (the start of the day
--   it is recorded, UTC, unless `--from` says an earlier day) until the end of until_date (UTC; expires_at is the
--   first second after it), the finding is shown as excepted and not counted. It reappears when the exception
--   expires or is revoked, or when the device moves to another finding state.
-- * exception_revocations: `exception revoke ID --reason TEXT` ends an exception from the time it is recorded.
-- * manual_offboards: `offboard --record-manual DEVICE --evidence TEXT [--offboarded-at DATE]` records an
--   offboarding done without the API (the portal's script on macOS and Linux, a local script on Windows). It is an
--   Offboard action like the API's, status Succeeded, id `manual-SEQ`, so the same rules judge whether the device
--   still reports afterwards.
-- Each is written in a run of its own ending with run_committed (payload "retirements": 0, so it is no snapshot),
-- covered by that run's digest (version 6), and append-only.

CREATE TABLE finding_exceptions (
    seq          INTEGER PRIMARY KEY,
    tenant       INTEGER NOT NULL REFERENCES tenants(id),
    machine_id   TEXT NOT NULL,
    state        TEXT NOT NULL,
    reason       TEXT NOT NULL,
    approved_by  TEXT,
    recorded_by  TEXT NOT NULL,
    recorded_at  TEXT NOT NULL,   -- local clock
    valid_from   TEXT NOT NULL,   -- canonical UTC: the first second it applies
    until_date   TEXT NOT NULL,   -- YYYY-MM-DD as given: the last day it applies
    expires_at   TEXT NOT NULL,   -- canonical UTC: the first second it no longer applies
    run          INTEGER NOT NULL REFERENCES sync_runs(id)
) STRICT;
CREATE INDEX finding_exceptions_by_machine ON finding_exceptions (tenant, machine_id);
CREATE INDEX finding_exceptions_by_run ON finding_exceptions (run);
CREATE TRIGGER finding_exceptions_no_update BEFORE UPDATE ON finding_exceptions
BEGIN SELECT RAISE(ABORT, 'finding_exceptions are append-only'); END;
CREATE TRIGGER finding_exceptions_no_delete BEFORE DELETE ON finding_exceptions
BEGIN SELECT RAISE(ABORT, 'finding_exceptions are append-only'); END;

CREATE TABLE exception_revocations (
    seq          INTEGER PRIMARY KEY,
    tenant       INTEGER NOT NULL REFERENCES tenants(id),
    exception    INTEGER NOT NULL REFERENCES finding_exceptions(seq),
    reason       TEXT NOT NULL,
    revoked_by   TEXT NOT NULL,
    revoked_at   TEXT NOT NULL,   -- local clock; the exception ends here
    run          INTEGER NOT NULL REFERENCES sync_runs(id)
) STRICT;
CREATE INDEX exception_revocations_by_exception ON exception_revocations (exception);
CREATE INDEX exception_revocations_by_run ON exception_revocations (run);
CREATE TRIGGER exception_revocations_no_update BEFORE UPDATE ON exception_revocations
BEGIN SELECT RAISE(ABORT, 'exception_revocations are append-only'); END;
CREATE TRIGGER exception_revocations_no_delete BEFORE DELETE ON exception_revocations
BEGIN SELECT RAISE(ABORT, 'exception_revocations are append-only'); END;

CREATE TABLE manual_offboards (
    seq           INTEGER PRIMARY KEY,
    tenant        INTEGER NOT NULL REFERENCES tenants(id),
    machine_id    TEXT NOT NULL,
    offboarded_at TEXT NOT NULL,  -- canonical UTC: when the offboarding was done
    evidence      TEXT NOT NULL,
    recorded_by   TEXT NOT NULL,
    recorded_at   TEXT NOT NULL,  -- local clock
    run           INTEGER NOT NULL REFERENCES sync_runs(id)
) STRICT;
CREATE INDEX manual_offboards_by_machine ON manual_offboards (tenant, machine_id);
CREATE INDEX manual_offboards_by_run ON manual_offboards (run);
CREATE TRIGGER manual_offboards_no_update BEFORE UPDATE ON manual_offboards
BEGIN SELECT RAISE(ABORT, 'manual_offboards are append-only'); END;
CREATE TRIGGER manual_offboards_no_delete BEFORE DELETE ON manual_offboards
BEGIN SELECT RAISE(ABORT, 'manual_offboards are append-only'); END;

-- The exceptions in force at T, as known at S: recorded (run) by S, begun by T, not expired at T, not revoked by T.
CREATE VIEW exceptions_in_force AS
SELECT p.tenant, p.tenant_name, p.as_of, x.machine_id, x.state, x.seq AS exception, x.reason, x.approved_by,
    x.recorded_by, x.recorded_at, x.valid_from, x.until_date, x.expires_at,
    'exception ' || x.seq || ' until ' || x.until_date || COALESCE(', approved by ' || x.approved_by, '') || ': '
        || x.reason AS note
FROM lifecycle_params p
JOIN finding_exceptions x ON x.tenant = p.tenant AND x.run <= p.known_run
    AND julianday(x.valid_from) <= julianday(p.as_of) AND julianday(p.as_of) < julianday(x.expires_at)
WHERE NOT EXISTS (SELECT 1 FROM exception_revocations v
                  WHERE v.exception = x.seq AND v.run <= p.known_run
                    AND julianday(v.revoked_at) <= julianday(p.as_of));

-- offboard_actions as in 0008, and the offboardings recorded by hand (known at S, done by T).
DROP VIEW offboard_actions;

CREATE VIEW offboard_actions AS
SELECT s.tenant, s.as_of, s.action_id AS id, s.machine_id, s.raw_json ->> '$.computerDnsName' AS computer_dns_name,
    s.status, s.raw_json ->> '$.requestor' AS requestor, s.raw_json ->> '$.requestorComment' AS requestor_comment,
    s.created_at, s.last_update_at,
    (SELECT min(x.observed_at) FROM machine_action_observations x
     WHERE x.tenant = s.tenant AND x.action_id = s.action_id
       AND x.run <= (SELECT p.known_run FROM lifecycle_params p WHERE p.tenant = s.tenant AND p.as_of = s.as_of))
    AS first_observed_at
FROM action_states s
WHERE s.type = 'Offboard' AND s.created_at <= s.as_of
UNION ALL
SELECT p.tenant, p.as_of, 'manual-' || m.seq, m.machine_id, NULL, 'Succeeded', m.recorded_by, m.evidence,
    m.offboarded_at, m.offboarded_at, m.recorded_at
FROM lifecycle_params p
JOIN manual_offboards m ON m.tenant = p.tenant AND m.run <= p.known_run
    AND julianday(m.offboarded_at) <= julianday(p.as_of);

-- device_states as in 0012, with exceptions: a finding under an exception in force is excepted (finding 0,
-- excepted 1, the exception's id, its note: id, last day, approver and reason; its last day), and its next step
-- says so.
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
),
exceptions AS MATERIALIZED (SELECT tenant, as_of, machine_id, state, exception, note FROM exceptions_in_force)
SELECT
    tenant, tenant_name, machine_id, as_of, state,
    CASE WHEN exception IS NULL THEN open_finding ELSE 0 END AS finding,
    computer_dns_name, aad_device_id, os_platform, onboarding_status, health_status, last_seen,
    last_observed_at, offboard_action, offboard_requested_at, offboard_requestor, offboard_comment,
    offboard_status, retired_at, retirement_note,
    offboard_grace_hours, stale_hours, inactive_days, retention_days, removal_days,
    merged_into_machine_id, first_seen, retired_via, observation,
    route AS offboard_route,
    CASE
        WHEN exception IS NOT NULL THEN 'nothing until ' || (SELECT x.until_date FROM finding_exceptions x
            WHERE x.seq = s.exception) || ': the finding is excepted (mde-ledger exception list shows why)'
        WHEN state IN ('retired-not-offboarded', 'retired-still-reporting') THEN
            CASE route
                WHEN 'api' THEN 'offboard it: mde-ledger offboard --device ' || machine_id || ' --comment TEXT'
                WHEN 'script' THEN 'run the offboarding script for ' || os_platform || ' from the Defender portal '
                    || '(Settings > Endpoints > Offboarding) on it; the API offboards Windows only'
                WHEN 'mobile' THEN 'remove the Defender app and its MDM profile (in Intune: retire the device or '
                    || 'uninstall the app); mobile devices are not offboarded'
                ELSE 'offboard it the way its platform allows; the API offboards Windows only'
            END
        WHEN state = 'offboard-failed' THEN
            CASE route
                WHEN 'api' THEN 'find out why the offboard ended ' || COALESCE(offboard_status, 'unfinished')
                    || ', then request it again: mde-ledger offboard --device ' || machine_id
                    || ' --retry-failed --comment TEXT'
                ELSE 'offboard it the way its platform allows; the API offboards Windows only'
            END
        WHEN state = 'offboarded-still-reporting' THEN
            CASE route
                WHEN 'api' THEN 'it reports after a successful offboard (re-onboarded by a policy or an image, or '
                    || 'another device under its id): take it out of the onboarding policy, then offboard it again: '
                    || 'mde-ledger offboard --device ' || machine_id || ' --comment TEXT'
                WHEN 'script' THEN 'it reports after its offboarding: take it out of the onboarding policy, then run '
                    || 'the portal''s offboarding script for ' || os_platform || ' again'
                ELSE 'it reports after its offboarding: take it out of the onboarding policy'
            END
        WHEN state = 'offboard-pending' AND t - r > 7 * 86400 THEN 'pending for more than 7 days: the device receives the '
            || 'offboard when it next comes online; power it on and connect it, or offboard it another way'
        WHEN state = 'removed' THEN 'no longer listed although its data was kept: look it up in the portal '
            || '(excluded, or deleted by MDE); nothing to offboard'
    END AS next_step,
    CASE WHEN exception IS NULL THEN 0 ELSE 1 END AS excepted, exception,
    (SELECT e.note FROM exceptions e WHERE e.exception = s.exception AND e.as_of = s.as_of) AS exception_note,
    (SELECT x.until_date FROM finding_exceptions x WHERE x.seq = s.exception) AS exception_until
FROM (
    -- An exception counts only for a state that is a finding, and only while it is in force at T.
    SELECT s.*, CASE WHEN open_finding = 1 THEN (
        SELECT max(e.exception) FROM exceptions e
        WHERE e.tenant = s.tenant AND e.as_of = s.as_of AND e.machine_id = s.machine_id AND e.state = s.state)
    END AS exception
    FROM (
        SELECT s.*,
            CASE
                WHEN state IN ('removed', 'offboard-failed', 'offboarded-still-reporting', 'retired-still-reporting',
                               'retired-not-offboarded') THEN 1
                WHEN state = 'offboard-pending' AND t - r > 7 * 86400 THEN 1
                ELSE 0
            END AS open_finding,
            CASE
                WHEN os_platform IN ('iOS', 'iPadOS', 'Android') THEN 'mobile'
                WHEN os_platform = 'macOS' OR os_platform LIKE 'Linux%' OR os_platform IN ('Ubuntu', 'RedHatEnterpriseLinux',
                    'CentOS', 'Debian', 'SuSE', 'OracleLinux', 'AmazonLinux') THEN 'script'
                WHEN os_platform LIKE 'Windows%' THEN 'api'
                ELSE 'other'
            END AS route
        FROM s
    ) s
) s;
