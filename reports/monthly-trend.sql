-- title: Devices by state, month by month
-- description: Devices in each lifecycle state at the end of each of the last 12 months, from history; months before a tenant's first observation are absent, not zero.
-- params: as_of, tenant
-- as-of: month-ends 12
-- chart: x=month series=state value=devices
SELECT substr(:as_of, 1, 7) AS month, :as_of AS month_end, tenant_name, state, count(*) AS devices,
    sum(finding) AS findings
FROM device_states
WHERE :tenant IS NULL OR tenant_name = :tenant
GROUP BY tenant_name, state
ORDER BY tenant_name, state;
