-- title: Findings since the previous month end
-- description: What changed since the last period: findings opened, findings closed and why (offboarded, went silent, retention expired, retirement withdrawn, excepted), and findings still open with their age in days.
-- params: as_of, previous, tenant
-- as-of: with-previous-month-end
-- chart: x=change
-- The views answer at both times (:previous, the month end before :as_of, and :as_of), as known at the same head.
-- A finding's age counts from the fact that makes it one: the retirement, the Offboard request, or the
-- observation that no longer listed it.
WITH now AS (
    SELECT * FROM device_states WHERE as_of = :as_of AND (:tenant IS NULL OR tenant_name = :tenant)
),
before AS (
    SELECT * FROM device_states WHERE as_of = :previous AND (:tenant IS NULL OR tenant_name = :tenant)
),
rows AS (
    SELECT 1 AS part, 'opened' AS change, n.tenant_name, n.machine_id, n.computer_dns_name, n.os_platform,
        b.state AS state_before, n.state, n.finding,
        CASE WHEN b.excepted = 1 THEN 'exception ended: ' || b.exception_note END AS why, n.retired_at,
        n.offboard_requested_at,
        n.last_observed_at, n.next_step
    FROM now n LEFT JOIN before b ON b.tenant = n.tenant AND b.machine_id = n.machine_id
    WHERE n.finding = 1 AND COALESCE(b.finding, 0) = 0
    UNION ALL
    SELECT 2, 'closed', b.tenant_name, b.machine_id, b.computer_dns_name, b.os_platform, b.state, n.state, 0,
        CASE
            WHEN n.machine_id IS NULL THEN 'no longer known to the ledger'
            WHEN n.excepted = 1 THEN 'excepted: ' || n.exception_note
            WHEN n.state IN ('offboarded', 'offboard-confirming') THEN 'offboarded'
            WHEN n.state = 'offboard-pending' THEN 'offboard requested, pending less than 7 days'
            WHEN n.state = 'retention-expired' THEN 'retention expired: MDE deleted its data'
            WHEN b.retired_at IS NOT NULL AND n.retired_at IS NULL THEN 'retirement withdrawn'
            WHEN n.state IN ('inactive', 'stale', 'active') AND b.state = 'removed' THEN 'listed again'
            WHEN n.state IN ('inactive', 'stale') THEN 'went silent'
            ELSE 'now ' || n.state
        END,
        b.retired_at, b.offboard_requested_at, b.last_observed_at, NULL
    FROM before b LEFT JOIN now n ON n.tenant = b.tenant AND n.machine_id = b.machine_id
    WHERE b.finding = 1 AND COALESCE(n.finding, 0) = 0
    UNION ALL
    SELECT 3, 'still open', n.tenant_name, n.machine_id, n.computer_dns_name, n.os_platform, b.state, n.state,
        n.finding, NULL, n.retired_at, n.offboard_requested_at, n.last_observed_at, n.next_step
    FROM now n JOIN before b ON b.tenant = n.tenant AND b.machine_id = n.machine_id
    WHERE n.finding = 1 AND b.finding = 1
)
SELECT change, tenant_name, machine_id, computer_dns_name, os_platform, state_before, state, finding, why,
    CASE WHEN change <> 'closed' THEN CAST(julianday(:as_of) - julianday(
        CASE
            WHEN state IN ('retired-not-offboarded', 'retired-still-reporting') THEN retired_at
            WHEN state = 'removed' THEN last_observed_at
            ELSE offboard_requested_at
        END) AS INTEGER) END AS age_days,
    next_step
FROM rows
ORDER BY part, tenant_name, computer_dns_name, machine_id;
