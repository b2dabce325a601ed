-- title: Retention calendar
-- description: For each silent device (no signal for longer than the stale threshold): when MDE deletes its data (lastSeen + retention) and when its profile leaves the device list (lastSeen + removal), by month of data expiry.
-- params: as_of, tenant
-- chart: x=month
WITH silent AS (
    SELECT tenant_name, machine_id, computer_dns_name, state, last_seen, retention_days, removal_days,
        strftime('%Y-%m-%dT%H:%M:%SZ', last_seen, '+' || retention_days || ' days') AS data_expires,
        strftime('%Y-%m-%dT%H:%M:%SZ', last_seen, '+' || removal_days || ' days') AS profile_leaves
    FROM device_states
    WHERE state NOT IN ('removed', 'retention-expired')
      AND CAST(strftime('%s', as_of) AS INTEGER) - CAST(strftime('%s', last_seen) AS INTEGER) > stale_hours * 3600
      AND (:tenant IS NULL OR tenant_name = :tenant)
)
SELECT substr(data_expires, 1, 7) AS month, tenant_name, machine_id, computer_dns_name, state, last_seen,
    data_expires, profile_leaves
FROM silent
ORDER BY month, tenant_name, data_expires, computer_dns_name, machine_id;
