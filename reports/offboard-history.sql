-- title: Offboard history
-- description: Every Offboard action the ledger has seen (from this tool, the portal or any other client, and offboardings recorded by hand): device, requestor, comment, each status with the time it was first observed, and whether telemetry stopped afterwards.
-- params: as_of, tenant
-- chart: x=status
WITH seen AS (
    SELECT tenant, action_id, status, min(observed_at) AS first_observed_at
    FROM machine_action_observations
    WHERE observed_at <= :as_of AND run <= (SELECT known_run FROM lifecycle_knowledge)
    GROUP BY tenant, action_id, status
),
statuses AS (
    SELECT tenant, action_id, group_concat(COALESCE(status, '?') || ' ' || first_observed_at, '; ') AS statuses
    FROM (SELECT * FROM seen ORDER BY tenant, action_id, first_observed_at, status)
    GROUP BY tenant, action_id
),
actions AS (
    SELECT t.name AS tenant_name, a.id AS action_id, a.machine_id,
        COALESCE(s.computer_dns_name, a.computer_dns_name) AS computer_dns_name,
        a.requestor, a.requestor_comment AS comment, a.created_at,
        (SELECT o.status FROM machine_action_observations o
         WHERE o.tenant = a.tenant AND o.action_id = a.id AND o.observed_at <= :as_of
           AND o.run <= (SELECT known_run FROM lifecycle_knowledge)
         ORDER BY o.observed_at DESC, o.seq DESC LIMIT 1) AS observed_status, a.status AS view_status,
        -- An offboarding recorded by hand (manual-N) has no observations: its status is the view's.
        COALESCE(h.statuses, a.status || ' ' || a.first_observed_at || ' (recorded by hand)') AS statuses,
        s.last_seen, s.offboard_grace_hours, s.state
    FROM offboard_actions a
    JOIN tenants t ON t.id = a.tenant
    LEFT JOIN statuses h ON h.tenant = a.tenant AND h.action_id = a.id
    LEFT JOIN device_states s ON s.tenant = a.tenant AND s.machine_id = a.machine_id
    WHERE a.created_at <= :as_of AND (:tenant IS NULL OR t.name = :tenant)
)
SELECT tenant_name, action_id, machine_id, computer_dns_name, requestor, comment, created_at,
    COALESCE(observed_status, view_status) AS status, statuses,
    last_seen,
    CASE
        WHEN last_seen IS NULL THEN 'unknown'
        WHEN CAST(strftime('%s', last_seen) AS INTEGER)
             > CAST(strftime('%s', created_at) AS INTEGER) + offboard_grace_hours * 3600 THEN 'no'
        ELSE 'yes'
    END AS telemetry_stopped,
    state AS device_state
FROM actions
ORDER BY tenant_name, created_at, action_id;
