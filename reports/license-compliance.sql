-- title: Licence compliance
-- description: Devices by lifecycle state and OS class, licences in use against the tenant's entitlements, and every finding with its evidence.
-- params: as_of, tenant
-- chart: section=by-state x=item value=devices
WITH d AS MATERIALIZED (
    SELECT s.*,
        CASE
            WHEN s.os_platform LIKE 'Windows%Server%' OR s.os_platform = 'Linux' THEN 'server'
            WHEN s.os_platform LIKE 'Windows%' OR s.os_platform = 'macOS' THEN 'client'
            WHEN s.os_platform IN ('iOS', 'iPadOS', 'Android') THEN 'mobile'
            ELSE 'other'
        END AS os_class
    FROM device_states s
    WHERE :tenant IS NULL OR s.tenant_name = :tenant
),
-- Licence settings in force at T, from the settings history in the hash chain: unset means no entitlement.
licence AS (
    SELECT t.name AS tenant_name,
        COALESCE((SELECT h.value FROM tenant_settings_history h
                  WHERE h.tenant = t.id AND h.key = 'license_window_days' AND h.effective_at <= :as_of
                    AND h.seq <= (SELECT known_seq FROM lifecycle_knowledge)
                  ORDER BY h.seq DESC LIMIT 1), 30) AS window_days,
        (SELECT h.value FROM tenant_settings_history h
         WHERE h.tenant = t.id AND h.key = 'licenses.clients' AND h.effective_at <= :as_of
                    AND h.seq <= (SELECT known_seq FROM lifecycle_knowledge)
         ORDER BY h.seq DESC LIMIT 1) AS clients,
        (SELECT h.value FROM tenant_settings_history h
         WHERE h.tenant = t.id AND h.key = 'licenses.servers' AND h.effective_at <= :as_of
                    AND h.seq <= (SELECT known_seq FROM lifecycle_knowledge)
         ORDER BY h.seq DESC LIMIT 1) AS servers
    FROM tenants t
    WHERE t.name IN (SELECT tenant_name FROM d)
),
-- A device uses a licence while onboarded and seen within the window, unless offboarded or gone.
used AS (
    SELECT d.tenant_name, d.os_class, count(*) AS devices
    FROM d JOIN licence l ON l.tenant_name = d.tenant_name
    WHERE lower(d.onboarding_status) = 'onboarded'
      AND d.state NOT IN ('offboarded', 'removed', 'retention-expired')
      AND CAST(strftime('%s', :as_of) AS INTEGER) - CAST(strftime('%s', d.last_seen) AS INTEGER)
          <= l.window_days * 86400
    GROUP BY d.tenant_name, d.os_class
),
licences AS (
    SELECT l.tenant_name, c.os_class || 's' AS item, COALESCE(u.devices, 0) AS devices,
        CASE c.os_class WHEN 'client' THEN l.clients ELSE l.servers END AS entitled,
        l.window_days
    FROM licence l
    CROSS JOIN (SELECT 'client' AS os_class UNION ALL SELECT 'server') c
    LEFT JOIN used u ON u.tenant_name = l.tenant_name AND u.os_class = c.os_class
),
rows AS (
    SELECT 1 AS part, 'by-state' AS section, tenant_name, state AS item, count(*) AS devices,
        NULL AS entitled, NULL AS difference, NULL AS verdict, NULL AS window_days, NULL AS state, NULL AS finding,
        NULL AS machine_id, NULL AS computer_dns_name, NULL AS os_platform, NULL AS last_seen, NULL AS retired_at,
        NULL AS retirement_note, NULL AS offboard_action, NULL AS offboard_requested_at,
        NULL AS offboard_requestor, NULL AS offboard_comment, NULL AS offboard_status
    FROM d GROUP BY tenant_name, state
    UNION ALL
    SELECT 2, 'by-os', tenant_name, os_class, count(*), NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
        NULL, NULL, NULL, NULL, NULL, NULL, NULL
    FROM d GROUP BY tenant_name, os_class
    UNION ALL
    SELECT 3, 'licences', tenant_name, item, devices, entitled, devices - entitled,
        CASE
            WHEN entitled IS NULL THEN 'no entitlement set'
            WHEN devices > entitled THEN 'over by ' || (devices - entitled)
            WHEN devices < entitled THEN 'under by ' || (entitled - devices)
            ELSE 'exactly used'
        END,
        window_days, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
    FROM licences
    UNION ALL
    SELECT 4, 'findings', tenant_name, NULL, NULL, NULL, NULL, NULL, NULL, state, finding, machine_id,
        computer_dns_name, os_platform, last_seen, retired_at, retirement_note, offboard_action,
        offboard_requested_at, offboard_requestor, offboard_comment, offboard_status
    FROM d WHERE finding = 1
)
SELECT section, tenant_name, item, devices, entitled, difference, verdict, window_days, state, finding, machine_id,
    computer_dns_name, os_platform, last_seen, retired_at, retirement_note, offboard_action, offboard_requested_at,
    offboard_requestor, offboard_comment, offboard_status
FROM rows
ORDER BY part, tenant_name, item, state, computer_dns_name, machine_id;
