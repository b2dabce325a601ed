-- 0010_graph: what Microsoft Graph showed (issue 20): Intune managed devices, Entra devices, licences (subscribed
-- SKUs) and users, as append-only history beside the MDE observations.
--
-- * A row is written when an object first appears, when its document changes, and when it leaves a complete
--   listing (present = 0). A listing shorter than Graph's own @odata.count never gets this far, so "gone" means
--   gone from a listing that was whole. Intune's cleanup rules hide devices that stopped checking in, so an Intune
--   device leaving the list proves nothing; an Entra device leaving /devices was deleted.
-- * The document is the object as Graph sent it, canonical JSON, minus the one field that moves several times a
--   day (Intune lastSyncDateTime, kept in activity_at of the row that was written anyway): a daily sync of an
--   unchanged tenant writes nothing. Documents are content-addressed in raw_documents, shared with MDE's.
-- * Each Graph run is a sync_runs row (kind 'import', source 'graph: …', observed_at NULL: it is no MDE
--   snapshot, so it never becomes the time answers default to) ending with run_committed; its digest (version 5)
--   covers these rows, so `verify` sees an edited, deleted or inserted row.
-- * source_states answers "what Graph showed" as of the lifecycle's T and known-at S: the latest row at or before
--   T — or, for answers at the latest run (no as-of time given), the latest row, because the Graph step runs just
--   after the MDE snapshot it belongs to.

CREATE TABLE source_observations (
    seq          INTEGER PRIMARY KEY,
    tenant       INTEGER NOT NULL REFERENCES tenants(id),
    source       TEXT NOT NULL CHECK (source IN ('intune', 'entra', 'sku', 'user')),
    object_id    TEXT NOT NULL,   -- Intune managed device id, Entra object id, skuId, user id
    join_key     TEXT,            -- a device's Entra device id (Intune azureADDeviceId, Entra deviceId)
    run          INTEGER NOT NULL REFERENCES sync_runs(id),
    observed_at  TEXT NOT NULL,   -- Graph's Date header
    present      INTEGER NOT NULL CHECK (present IN (0, 1)),
    activity_at  TEXT,            -- Intune lastSyncDateTime when the row was written
    document     INTEGER REFERENCES raw_documents(id)   -- NULL when present = 0
) STRICT;
CREATE INDEX source_observations_by_object ON source_observations (tenant, source, object_id, seq);
CREATE INDEX source_observations_by_key ON source_observations (tenant, join_key) WHERE join_key IS NOT NULL;
CREATE INDEX source_observations_by_run ON source_observations (run);
CREATE TRIGGER source_observations_no_update BEFORE UPDATE ON source_observations
BEGIN SELECT RAISE(ABORT, 'source_observations are append-only'); END;
CREATE TRIGGER source_observations_no_delete BEFORE DELETE ON source_observations
BEGIN SELECT RAISE(ABORT, 'source_observations are append-only'); END;

CREATE VIEW source_states AS
SELECT p.tenant, p.as_of, o.seq, o.source, o.object_id, o.join_key, o.run, o.observed_at, o.present,
    o.activity_at, d.body AS document
FROM lifecycle_params p
JOIN source_observations o ON o.seq = (
    SELECT max(x.seq) FROM source_observations x
    WHERE x.tenant = p.tenant AND x.source = o.source AND x.object_id = o.object_id AND x.run <= p.known_run
      AND (x.observed_at <= p.as_of OR NOT EXISTS (SELECT 1 FROM lifecycle_as_of)))
LEFT JOIN raw_documents d ON d.id = o.document
WHERE o.tenant = p.tenant AND o.run <= p.known_run
  AND (o.observed_at <= p.as_of OR NOT EXISTS (SELECT 1 FROM lifecycle_as_of));

-- Licences. Microsoft licenses Defender for Endpoint P1/P2 and Defender for Business per user, and servers per
-- server. A subscribed SKU carries Defender for Endpoint when one of its service plans is one of these (names as in
-- Microsoft's "Product names and service plan identifiers for licensing" list); a SKU that applies to the company
-- rather than to users (Defender for Endpoint Server) counts servers.
CREATE VIEW defender_service_plans (service_plan, product) AS
VALUES ('WINDEFATP', 'Defender for Endpoint P2'), ('MDE_LITE', 'Defender for Endpoint P1'),
       ('MDE_SMB', 'Defender for Business');

-- The SKUs Graph showed at T that carry a Defender plan: bought (prepaidUnits.enabled) and assigned (consumedUnits).
CREATE VIEW defender_skus AS
SELECT s.tenant, s.as_of, s.object_id AS sku_id, s.document ->> '$.skuPartNumber' AS sku_part_number,
    CASE lower(s.document ->> '$.appliesTo') WHEN 'company' THEN 'server' ELSE 'user' END AS licensed_per,
    (SELECT group_concat(p.service_plan, ' ') FROM json_each(s.document, '$.servicePlans') j
     JOIN defender_service_plans p ON upper(j.value ->> '$.servicePlanName') = p.service_plan) AS plans,
    CAST(s.document ->> '$.prepaidUnits.enabled' AS INTEGER) AS enabled,
    CAST(s.document ->> '$.consumedUnits' AS INTEGER) AS consumed
FROM source_states s
WHERE s.source = 'sku' AND s.present = 1
  AND EXISTS (SELECT 1 FROM json_each(s.document, '$.servicePlans') j
              JOIN defender_service_plans p ON upper(j.value ->> '$.servicePlanName') = p.service_plan);

-- Users Graph showed at T with a per-user Defender licence assigned.
CREATE VIEW licensed_users AS
SELECT u.tenant, u.as_of, u.object_id AS user_id, u.document ->> '$.userPrincipalName' AS user_principal_name,
    group_concat(k.sku_part_number, ' ') AS licences
FROM source_states u
JOIN json_each(u.document, '$.assignedLicenses') a
JOIN defender_skus k ON k.tenant = u.tenant AND k.as_of = u.as_of AND k.sku_id = a.value ->> '$.skuId'
    AND k.licensed_per = 'user'
WHERE u.source = 'user' AND u.present = 1
GROUP BY u.tenant, u.as_of, u.object_id;

-- Each Entra device id's primary user at T, as Intune names it (the newest Intune record of that device).
CREATE VIEW device_users AS
SELECT i.tenant, i.as_of, i.join_key AS aad_device_id, i.document ->> '$.userId' AS user_id,
    i.document ->> '$.userPrincipalName' AS user_principal_name, i.object_id AS intune_device_id
FROM source_states i
WHERE i.source = 'intune' AND i.present = 1 AND i.join_key IS NOT NULL
  AND i.seq = (SELECT max(x.seq) FROM source_states x
               WHERE x.tenant = i.tenant AND x.as_of = i.as_of AND x.source = 'intune' AND x.present = 1
                 AND x.join_key = i.join_key);
