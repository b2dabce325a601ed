-- title: Offboarding backlog
-- description: What to do next: retired devices not offboarded yet, Offboard actions pending more than 7 days, and failed, timed-out or cancelled ones.
-- params: as_of, tenant
-- chart: x=state
SELECT tenant_name, machine_id, computer_dns_name, state, finding,
    CASE state
        WHEN 'retired-not-offboarded' THEN 'offboard the device'
        WHEN 'retired-still-reporting' THEN 'offboard the device: it is still reporting'
        WHEN 'offboard-failed' THEN 'find out why the offboard failed, then request it again'
        ELSE 'find out why the offboard has been pending for more than 7 days'
    END AS next_step,
    last_seen, retired_at, retirement_note, offboard_action, offboard_requested_at, offboard_status,
    offboard_requestor, offboard_comment
FROM device_states
WHERE (state IN ('retired-not-offboarded', 'retired-still-reporting', 'offboard-failed')
       OR (state = 'offboard-pending' AND finding = 1))
  AND (:tenant IS NULL OR tenant_name = :tenant)
ORDER BY tenant_name, state, computer_dns_name, machine_id;
