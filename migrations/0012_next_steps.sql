-- 0012_next_steps: what to do about each finding, by platform (issue 21), as columns of device_states so every
-- report and `status` reads one definition:
--
-- * offboard_route: how the device is offboarded: 'api' (Windows: the offboard API, `mde-ledger offboard`),
--   'script' (macOS and Linux: the portal's offboarding script), 'mobile' (iOS, iPadOS, Android: the app and its
--   MDM profile are removed; mobile devices are not offboarded), 'other';
-- * next_step: for a finding, the next step on that route (NULL for a state that is not a finding).
--
-- device_states is otherwise as in 0011.

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
    merged_into_machine_id, first_seen, retired_via, observation,
    route AS offboard_route,
    CASE
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
    END AS next_step
FROM (
    SELECT s.*,
        CASE
            WHEN os_platform IN ('iOS', 'iPadOS', 'Android') THEN 'mobile'
            WHEN os_platform = 'macOS' OR os_platform LIKE 'Linux%' OR os_platform IN ('Ubuntu', 'RedHatEnterpriseLinux',
                'CentOS', 'Debian', 'SuSE', 'OracleLinux', 'AmazonLinux') THEN 'script'
            WHEN os_platform LIKE 'Windows%' THEN 'api'
            ELSE 'other'
        END AS route
    FROM s
) s;
