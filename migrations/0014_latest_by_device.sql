-- 0014_latest_by_device: device_latest_expected, the derived state recomputed from history, as one row per device
-- key with correlated lookups instead of one aggregate over all history (issue 22). The same rows as in 0006; a
-- filter on `device` now reaches device_keys, so `verify --since` recomputes only the devices the runs after a
-- trusted head touched, and the full `verify` reads each device's rows through the same indexes as before.
DROP VIEW device_latest_expected;

CREATE VIEW device_latest_expected AS
SELECT o.device, o.tenant, o.observation, s.run AS sighting, s.last_seen, s.fraction
FROM (
    SELECT k.key AS device, k.tenant,
        (SELECT max(x.seq) FROM machine_observations x WHERE x.tenant = k.tenant AND x.machine_id = k.machine_id)
            AS observation,
        (SELECT max(x.run) FROM machine_observations x WHERE x.tenant = k.tenant AND x.machine_id = k.machine_id)
            AS run
    FROM device_keys k
) o
LEFT JOIN device_sightings s ON s.device = o.device
    AND s.run = (SELECT max(x.run) FROM device_sightings x WHERE x.device = o.device AND x.run > o.run)
WHERE o.observation IS NOT NULL;
