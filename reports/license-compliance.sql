-- title: Licence compliance
-- description: Devices by lifecycle state and OS class, licences in use (clients per user, servers per server; a re-imaged device counted once) against the tenant's entitlements, the MDE ids folded into one physical device, and every finding with its evidence (an excepted one with its exception, not counted); in an appendix the counted devices and users, and every device counted nowhere with why.
-- params: as_of, tenant
-- chart: section=by-state x=item value=devices
-- summary: counted-devices, not-counted, counted-users
-- Every MDE id known at T with its lifecycle state and its physical device (physical_devices: ids tied by a merge
-- chain or a shared Entra device id are one device). by-state, by-os and findings count MDE ids; licences count
-- physical devices.
WITH d AS MATERIALIZED (
    SELECT s.tenant, s.tenant_name, s.machine_id, s.as_of, s.state, s.finding, s.computer_dns_name, s.aad_device_id,
        s.os_platform, s.onboarding_status, s.last_seen, s.offboard_action, s.offboard_requested_at,
        s.offboard_requestor, s.offboard_comment, s.offboard_status, s.retired_at, s.retirement_note,
        s.physical_id, s.ids,
        -- Read from the document only where it can matter: an id alone that may use a licence.
        CASE WHEN s.ids = 1 AND lower(s.onboarding_status) = 'onboarded'
                  AND s.state NOT IN ('offboarded', 'removed', 'retention-expired')
             THEN s.potential_duplicate ELSE 0 END AS potential_duplicate,
        CASE
            WHEN s.os_platform LIKE 'Windows%Server%' OR s.os_platform = 'Linux' THEN 'server'
            WHEN s.os_platform LIKE 'Windows%' OR s.os_platform = 'macOS' THEN 'client'
            WHEN s.os_platform IN ('iOS', 'iPadOS', 'Android') THEN 'mobile'
            ELSE 'other'
        END AS os_class
    FROM physical_devices s
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
         ORDER BY h.seq DESC LIMIT 1) AS servers,
        COALESCE((SELECT h.value FROM tenant_settings_history h
                  WHERE h.tenant = t.id AND h.key = 'license_devices_per_user' AND h.effective_at <= :as_of
                    AND h.seq <= (SELECT known_seq FROM lifecycle_knowledge)
                  ORDER BY h.seq DESC LIMIT 1), 5) AS devices_per_user,
        -- What Graph's subscribedSkus showed at T: licences bought per user and per server.
        (SELECT sum(k.enabled) FROM defender_skus k WHERE k.tenant = t.id AND k.licensed_per = 'user') AS graph_users,
        (SELECT sum(k.enabled) FROM defender_skus k WHERE k.tenant = t.id AND k.licensed_per = 'server')
            AS graph_servers,
        EXISTS (SELECT 1 FROM source_states u WHERE u.tenant = t.id AND u.source = 'intune') AS has_users
    FROM tenants t
    WHERE t.name IN (SELECT tenant_name FROM d)
),
-- What Graph showed at T, computed once: each client's primary user in Intune (joined by Entra device id) and each
-- user's per-user Defender SKUs. Joined as views, SQLite would evaluate them again for every device.
device_user AS MATERIALIZED (
    SELECT tenant, aad_device_id, user_id, user_principal_name FROM device_users
),
user_licence AS MATERIALIZED (
    SELECT tenant, user_id, licences FROM licensed_users
),
-- An MDE id uses a licence while onboarded and seen within the window, unless offboarded or gone.
eligible AS MATERIALIZED (
    SELECT d.*, du.user_id, du.user_principal_name, lu.licences
    FROM d JOIN licence l ON l.tenant_name = d.tenant_name
    LEFT JOIN device_user du ON du.tenant = d.tenant AND du.aad_device_id = lower(d.aad_device_id)
    LEFT JOIN user_licence lu ON lu.tenant = d.tenant AND lu.user_id = du.user_id
    WHERE lower(d.onboarding_status) = 'onboarded'
      AND d.state NOT IN ('offboarded', 'removed', 'retention-expired')
      AND d.os_class IN ('client', 'server')
      AND CAST(strftime('%s', :as_of) AS INTEGER) - CAST(strftime('%s', d.last_seen) AS INTEGER)
          <= l.window_days * 86400
),
qualifying AS MATERIALIZED (
    SELECT e.*,
        count(*) OVER (PARTITION BY e.tenant, e.physical_id) AS counted_ids,
        row_number() OVER (PARTITION BY e.tenant, e.physical_id
                           ORDER BY CAST(strftime('%s', e.last_seen) AS INTEGER) DESC, e.machine_id DESC) AS pick
    FROM eligible e
),
-- A physical device is counted once, as its most recently seen qualifying id (its OS class, its user).
counted AS MATERIALIZED (
    SELECT * FROM qualifying WHERE pick = 1
),
users AS (
    SELECT c.tenant_name, c.user_id, max(c.user_principal_name) AS user_principal_name, count(*) AS devices,
        max(c.licences) AS licences
    FROM counted c WHERE c.os_class = 'client' AND c.user_id IS NOT NULL
    GROUP BY c.tenant_name, c.user_id
),
used AS (
    SELECT c.tenant_name, c.os_class, count(*) AS devices, sum(c.counted_ids) AS ids,
        (SELECT count(*) FROM users u WHERE u.tenant_name = c.tenant_name) AS users
    FROM counted c
    GROUP BY c.tenant_name, c.os_class
),
-- Clients are licensed per user when Graph shows who uses them, else (no Intune data) per device; servers per
-- server. A typed entitlement (tenant set … licenses.clients / licenses.servers) wins over Graph's figure.
licences AS (
    SELECT l.tenant_name, c.os_class || 's' AS item, COALESCE(u.devices, 0) AS devices, COALESCE(u.ids, 0) AS ids,
        CASE WHEN c.os_class = 'client' AND l.has_users THEN COALESCE(u.users, 0) END AS users,
        CASE c.os_class WHEN 'client' THEN COALESCE(l.clients, l.graph_users)
            ELSE COALESCE(l.servers, l.graph_servers) END AS entitled,
        CASE
            WHEN (CASE c.os_class WHEN 'client' THEN l.clients ELSE l.servers END) IS NOT NULL
                THEN 'tenant setting licenses.' || c.os_class || 's'
            WHEN (CASE c.os_class WHEN 'client' THEN l.graph_users ELSE l.graph_servers END) IS NOT NULL
                THEN 'Graph subscribedSkus'
        END AS entitled_from,
        CASE WHEN c.os_class = 'server' THEN 'per server' WHEN l.has_users THEN 'per user' ELSE 'per device' END
            AS basis,
        l.window_days
    FROM licence l
    CROSS JOIN (SELECT 'client' AS os_class UNION ALL SELECT 'server') c
    LEFT JOIN used u ON u.tenant_name = l.tenant_name AND u.os_class = c.os_class
),
rows AS (
    SELECT 1 AS part, 'by-state' AS section, tenant_name, state AS item, count(*) AS devices, NULL AS ids,
        NULL AS users,
        NULL AS basis, NULL AS entitled, NULL AS entitled_from, NULL AS difference, NULL AS verdict,
        NULL AS window_days, NULL AS state, NULL AS finding, NULL AS machine_id, NULL AS computer_dns_name,
        NULL AS os_platform, NULL AS last_seen, NULL AS user_principal_name, NULL AS licences, NULL AS retired_at,
        NULL AS retirement_note, NULL AS offboard_action, NULL AS offboard_requested_at,
        NULL AS offboard_requestor, NULL AS offboard_comment, NULL AS offboard_status
    FROM d GROUP BY tenant_name, state
    UNION ALL
    SELECT 2, 'by-os', tenant_name, os_class, count(*), NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
        NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
    FROM d GROUP BY tenant_name, os_class
    UNION ALL
    SELECT 3, 'licences', tenant_name, item, devices, ids, users, basis, entitled, entitled_from,
        COALESCE(users, devices) - entitled,
        CASE
            WHEN entitled IS NULL THEN 'no entitlement set'
            WHEN COALESCE(users, devices) > entitled THEN 'over by ' || (COALESCE(users, devices) - entitled)
            WHEN COALESCE(users, devices) < entitled THEN 'under by ' || (entitled - COALESCE(users, devices))
            ELSE 'exactly used'
        END,
        window_days, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
    FROM licences
    UNION ALL
    -- What was folded: MDE ids of one physical device known at T, those of them the licence count folded, and the
    -- ids counted alone that MDE flags isPotentialDuplication (nothing names their other id: not folded).
    SELECT 3.5 + k.rank / 10.0, 'duplicates', l.tenant_name, k.item,
        CASE k.rank
            WHEN 1 THEN (SELECT count(DISTINCT x.physical_id) FROM d x WHERE x.tenant_name = l.tenant_name AND x.ids > 1)
            WHEN 2 THEN (SELECT count(*) FROM counted c WHERE c.tenant_name = l.tenant_name AND c.counted_ids > 1)
            ELSE (SELECT count(*) FROM counted c WHERE c.tenant_name = l.tenant_name AND c.potential_duplicate = 1)
        END,
        CASE k.rank
            WHEN 1 THEN (SELECT count(*) FROM d x WHERE x.tenant_name = l.tenant_name AND x.ids > 1)
            WHEN 2 THEN (SELECT COALESCE(sum(c.counted_ids), 0) FROM counted c
                         WHERE c.tenant_name = l.tenant_name AND c.counted_ids > 1)
            ELSE (SELECT count(*) FROM counted c WHERE c.tenant_name = l.tenant_name AND c.potential_duplicate = 1)
        END,
        NULL, NULL, NULL, NULL, NULL, k.verdict, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
        NULL, NULL, NULL, NULL, NULL
    FROM licence l
    CROSS JOIN (SELECT 1 AS rank, 'duplicates folded' AS item,
                    'MDE ids into physical devices (merge chain or shared Entra device id)' AS verdict
                UNION ALL SELECT 2, 'duplicates folded in the licence count',
                    'counted MDE ids into the physical devices counted'
                UNION ALL SELECT 3, 'potential duplicates not folded',
                    'counted ids MDE flags isPotentialDuplication: nothing names their other id') k
    UNION ALL
    -- Per-user licensing, client by client: only when Graph shows Intune's primary users.
    SELECT 4 + k.rank / 10.0, 'users', l.tenant_name, k.item,
        CASE k.item
            WHEN 'licensed users with reporting devices' THEN NULL
            WHEN 'devices without a primary user' THEN
                (SELECT count(*) FROM counted c WHERE c.tenant_name = l.tenant_name AND c.os_class = 'client'
                   AND c.user_id IS NULL)
            WHEN 'users over the device allowance' THEN
                (SELECT COALESCE(sum(u.devices), 0) FROM users u WHERE u.tenant_name = l.tenant_name
                   AND u.devices > l.devices_per_user)
            ELSE (SELECT count(*) FROM counted c WHERE c.tenant_name = l.tenant_name AND c.os_class = 'client'
                    AND c.user_id IS NOT NULL AND c.licences IS NULL)
        END,
        NULL,
        CASE k.item
            WHEN 'licensed users with reporting devices' THEN
                (SELECT count(*) FROM users u WHERE u.tenant_name = l.tenant_name AND u.licences IS NOT NULL)
            WHEN 'users over the device allowance' THEN
                (SELECT count(*) FROM users u WHERE u.tenant_name = l.tenant_name AND u.devices > l.devices_per_user)
            WHEN 'devices whose user holds no licence' THEN
                (SELECT count(*) FROM users u WHERE u.tenant_name = l.tenant_name AND u.licences IS NULL)
        END,
        CASE k.item WHEN 'users over the device allowance' THEN l.devices_per_user || ' devices per user' END,
        NULL, NULL, NULL, NULL, l.window_days, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
        NULL, NULL, NULL, NULL
    FROM licence l
    CROSS JOIN (SELECT 1 AS rank, 'licensed users with reporting devices' AS item
                UNION ALL SELECT 2, 'devices without a primary user'
                UNION ALL SELECT 3, 'users over the device allowance'
                UNION ALL SELECT 4, 'devices whose user holds no licence') k
    WHERE l.has_users
    UNION ALL
    SELECT 5, 'findings', tenant_name, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, state, finding,
        machine_id, computer_dns_name, os_platform, last_seen, NULL, NULL, retired_at, retirement_note,
        offboard_action, offboard_requested_at, offboard_requestor, offboard_comment, offboard_status
    FROM d WHERE finding = 1 OR EXISTS (
        SELECT 1 FROM exceptions_in_force x
        WHERE x.tenant = d.tenant AND x.as_of = d.as_of AND x.machine_id = d.machine_id AND x.state = d.state)
    UNION ALL
    -- Appendix: every counted device, then every user with counted clients.
    SELECT 6, 'counted-devices', c.tenant_name, c.os_class, NULL, c.counted_ids, NULL, NULL, NULL, NULL, NULL, NULL,
        NULL,
        c.state, NULL, c.machine_id, c.computer_dns_name, c.os_platform, c.last_seen, c.user_principal_name,
        c.licences, NULL, NULL, NULL, NULL, NULL, NULL, NULL
    FROM counted c
    UNION ALL
    -- Appendix: every MDE id known at T that uses no licence, and why (the first reason that applies, in the
    -- order of the qualifying rules above).
    SELECT 6.5, 'not-counted', d.tenant_name, d.os_class, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
        CASE
            WHEN d.os_class = 'mobile' THEN 'mobile: counts against no licence'
            WHEN d.os_class = 'other' THEN 'platform ' || COALESCE(d.os_platform, 'unknown') || ': neither client nor server'
            WHEN lower(COALESCE(d.onboarding_status, '')) <> 'onboarded' THEN 'not onboarded'
            WHEN d.state IN ('offboarded', 'removed', 'retention-expired') THEN d.state
            WHEN d.last_seen IS NULL OR CAST(strftime('%s', :as_of) AS INTEGER)
                - CAST(strftime('%s', d.last_seen) AS INTEGER) > l.window_days * 86400
                THEN 'not seen within ' || l.window_days || ' days'
            ELSE 'the same physical device as ' || d.physical_id || ', counted as that id'
        END,
        NULL, d.state, NULL, d.machine_id, d.computer_dns_name, d.os_platform, d.last_seen, NULL, NULL, NULL, NULL,
        NULL, NULL, NULL, NULL, NULL
    FROM d JOIN licence l ON l.tenant_name = d.tenant_name
    LEFT JOIN counted c ON c.tenant = d.tenant AND c.machine_id = d.machine_id
    WHERE c.machine_id IS NULL
    UNION ALL
    SELECT 7, 'counted-users', u.tenant_name,
        CASE WHEN u.licences IS NULL THEN 'no licence' WHEN u.devices > l.devices_per_user THEN 'over the allowance'
            ELSE 'licensed' END,
        u.devices, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
        u.user_principal_name, u.licences, NULL, NULL, NULL, NULL, NULL, NULL, NULL
    FROM users u JOIN licence l ON l.tenant_name = u.tenant_name
)
SELECT section, tenant_name, item, devices, ids, users, basis, entitled, entitled_from, difference, verdict, window_days,
    state, finding, machine_id, computer_dns_name, os_platform, last_seen, user_principal_name, licences,
    retired_at, retirement_note, offboard_action, offboard_requested_at, offboard_requestor, offboard_comment,
    offboard_status,
    -- An excepted finding is listed with its exception and not counted (finding 0).
    CASE WHEN section = 'findings' THEN (
        SELECT x.note FROM exceptions_in_force x
        WHERE x.tenant_name = rows.tenant_name AND x.as_of = :as_of AND x.machine_id = rows.machine_id
          AND x.state = rows.state
        ORDER BY x.exception DESC LIMIT 1) END AS exception
FROM rows
ORDER BY part, tenant_name, item, state, computer_dns_name, user_principal_name, machine_id;
