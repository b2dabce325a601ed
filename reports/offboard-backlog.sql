-- title: Offboarding backlog
-- description: What to do next: retired devices not offboarded yet, offboarded devices that still report, Offboard actions pending more than 7 days, and failed, timed-out or cancelled ones, each with the next step for its platform; an excepted finding is listed with its exception and not counted.
-- params: as_of, tenant
-- chart: x=state
-- The next step is the lifecycle view's own (device_states.next_step, by platform: the offboard API for Windows,
-- the portal's script for macOS and Linux, the app and its profile for mobile devices).
SELECT tenant_name, machine_id, computer_dns_name, os_platform, state, finding, exception_note AS exception,
    offboard_route, next_step,
    last_seen, retired_at, retirement_note, offboard_action, offboard_requested_at, offboard_status,
    offboard_requestor, offboard_comment
FROM device_states
WHERE (state IN ('retired-not-offboarded', 'retired-still-reporting', 'offboard-failed', 'offboarded-still-reporting')
       OR (state = 'offboard-pending' AND (finding = 1 OR excepted = 1)))
  AND (:tenant IS NULL OR tenant_name = :tenant)
ORDER BY tenant_name, state, computer_dns_name, machine_id;
