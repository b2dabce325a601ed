-- title: Devices still reporting after offboarding or retirement
-- description: Retired or offboarded devices whose lastSeen advanced past the Offboard request or the retirement date (plus the offboard grace period); an excepted finding is listed with its exception and not counted.
-- params: as_of, tenant
-- chart: x=state
SELECT tenant_name, machine_id, computer_dns_name, state, finding, exception_note AS exception, last_seen,
    offboard_action, offboard_requested_at, offboard_status, offboard_requestor, offboard_comment,
    retired_at, retirement_note,
    (CAST(strftime('%s', last_seen) AS INTEGER)
     - CAST(strftime('%s', COALESCE(offboard_requested_at, retired_at)) AS INTEGER)) / 3600 AS hours_after
FROM device_states
WHERE state IN ('offboarded-still-reporting', 'retired-still-reporting')
  AND (:tenant IS NULL OR tenant_name = :tenant)
ORDER BY tenant_name, state, computer_dns_name, machine_id;
