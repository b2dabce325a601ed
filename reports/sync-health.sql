-- title: Sync health
-- description: Syncs and imports of the 30 days up to the as-of time: API calls, 429 answers, retries, failures and their errors.
-- params: as_of, tenant
-- default-as-of: now
-- chart: x=status
SELECT t.name AS tenant_name, r.id AS run, r.kind, r.status,
    CASE WHEN r.status = 'failed' THEN 1 ELSE 0 END AS finding,
    r.observed_at, r.machines_seen, r.actions_seen, r.observations_written, r.events_written, r.api_calls,
    r.throttled, r.retries, r.error
FROM sync_runs r
JOIN tenants t ON t.id = r.tenant
-- A failed run has no observation time; the local clock is the best it has. A retirement list import has none
-- either and is not a snapshot, so it is left out.
WHERE ((r.observed_at IS NOT NULL AND r.observed_at <= :as_of
        AND r.observed_at > strftime('%Y-%m-%dT%H:%M:%SZ', :as_of, '-30 days'))
       OR (r.status = 'failed' AND r.finished_at <= :as_of
           AND r.finished_at > strftime('%Y-%m-%dT%H:%M:%SZ', :as_of, '-30 days')))
  AND (:tenant IS NULL OR t.name = :tenant)
  -- Only runs recorded by the head the answer is known at: committed by it, or failed before it (a failed run
  -- since format 4 has its run_failed event; an older one is known once a later run is).
  AND (r.id <= (SELECT known_run FROM lifecycle_knowledge)
       OR EXISTS (SELECT 1 FROM events e WHERE e.run = r.id AND e.kind = 'run_failed'
                  AND e.seq <= (SELECT known_seq FROM lifecycle_knowledge)))
ORDER BY t.name, r.id;
