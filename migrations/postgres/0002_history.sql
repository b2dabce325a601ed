-- 0002_history (PostgreSQL): the rest of the recorded ledger — device keys, stored documents, machine and action
-- observations, sightings, the derived latest row per device, current actions, formats, retirements and their
-- withdrawals, the offboarding outbox, Graph source observations, finding exceptions and manual offboards — with
-- SQLite's columns in SQLite's order (as migrations 0001-0016 left them; SchemaAgreementTests compares them), its
-- checks and keys, and its append-only rules as triggers and privileges. The tables derived for questions
-- (device_lifecycle, kept answers, the as-of parameters) come with the views.

CREATE TABLE device_keys (
    key         bigint PRIMARY KEY,
    tenant      bigint NOT NULL REFERENCES tenants(id),
    machine_id  text NOT NULL,
    UNIQUE (machine_id, tenant)   -- id first: a lookup by id alone, across tenants, uses it too
);

CREATE TABLE raw_documents (
    id      bigint PRIMARY KEY,
    sha256  bytea NOT NULL UNIQUE,   -- of body's UTF-8 bytes; `verify` recomputes it
    body    text NOT NULL
);

CREATE TABLE machine_observations (
    seq                     bigint PRIMARY KEY,
    tenant                  bigint NOT NULL REFERENCES tenants(id),
    machine_id              text NOT NULL,
    run                     bigint NOT NULL REFERENCES sync_runs(id),
    observed_at             text NOT NULL,
    present                 bigint NOT NULL CHECK (present IN (0, 1)),
    computer_dns_name       text,
    aad_device_id           text,
    os_platform             text,
    os_version              text,
    onboarding_status       text,
    health_status           text,
    first_seen              text,
    last_seen               text,
    rbac_group_id           text,
    rbac_group_name         text,
    machine_tags            text NOT NULL,
    merged_into_machine_id  text,
    is_excluded             bigint,
    raw_json                text,            -- NULL on an absence row (present = 0)
    document bigint REFERENCES raw_documents(id),
    last_seen_offset bigint,
    last_seen_fraction text
);

CREATE TABLE device_sightings (
    run        bigint NOT NULL REFERENCES sync_runs(id),
    device     bigint NOT NULL REFERENCES device_keys(key),
    last_seen  bigint NOT NULL,   -- whole seconds since 1970 (UTC)
    fraction   text NOT NULL,      -- what the service sent between the seconds and the Z: '' or '.4866667'
    PRIMARY KEY (run, device)
);

CREATE TABLE device_latest (
    device       bigint PRIMARY KEY REFERENCES device_keys(key),
    tenant       bigint NOT NULL REFERENCES tenants(id),
    observation  bigint NOT NULL,   -- machine_observations.seq of the device's latest full row
    sighting     bigint,            -- the run of its latest sighting after that row, if any
    last_seen    bigint,            -- that sighting's lastSeen, seconds since 1970
    fraction     text                -- and its fraction
);

CREATE TABLE machine_action_observations (
    seq                     bigint PRIMARY KEY,
    tenant                  bigint NOT NULL REFERENCES tenants(id),
    action_id               text NOT NULL,
    run                     bigint NOT NULL REFERENCES sync_runs(id),
    observed_at             text NOT NULL,
    status                  text,
    machine_id              text,
    last_update_at          text,
    cancellation_requestor  text,
    cancellation_comment    text,
    cancelled_at            text,
    raw_json                text NOT NULL,
    type text,
    created_at text
);

CREATE TABLE machine_actions (
    tenant                    bigint NOT NULL REFERENCES tenants(id),
    id                        text NOT NULL,
    type                      text,
    scope                     text,
    status                    text,
    machine_id                text,
    computer_dns_name         text,
    requestor                 text,
    requestor_comment         text,
    request_source            text,
    external_id               text,
    title                     text,
    created_at                text,
    last_update_at            text,
    cancellation_requestor    text,
    cancellation_comment      text,
    cancelled_at              text,
    first_observed_at         text NOT NULL,
    observation               bigint REFERENCES machine_action_observations(seq),
    PRIMARY KEY (tenant, id)
);

CREATE TABLE ledger_formats (
    format       bigint PRIMARY KEY,
    first_event  bigint NOT NULL,   -- events with seq >= first_event are encoded in this format
    first_run    bigint NOT NULL    -- runs with id >= first_run follow this format's rules
);

CREATE TABLE retirements (
    seq          bigint PRIMARY KEY,
    tenant       bigint NOT NULL REFERENCES tenants(id),
    machine_id   text NOT NULL,
    retired_at   text NOT NULL,   -- D: a date alone means 00:00 UTC that day
    note         text,
    device_input text NOT NULL,   -- the cell as written in the file
    matched_by   text NOT NULL CHECK (matched_by IN ('id', 'aad_device_id', 'name')),
    source       text NOT NULL,   -- file name and line
    run          bigint NOT NULL REFERENCES sync_runs(id),
    imported_at  text NOT NULL,
    list_sha256 text
);

CREATE TABLE retirement_withdrawals (
    seq          bigint PRIMARY KEY,
    tenant       bigint NOT NULL REFERENCES tenants(id),
    machine_id   text NOT NULL,
    retirement   bigint NOT NULL REFERENCES retirements(seq),  -- the latest retirement row it withdraws
    reason       text NOT NULL,
    withdrawn_by text NOT NULL,
    withdrawn_at text NOT NULL,   -- local clock
    run          bigint NOT NULL REFERENCES sync_runs(id)
);

CREATE TABLE outbox_plans (
    id             bigint PRIMARY KEY,
    tenant         bigint NOT NULL REFERENCES tenants(id),
    kind           text NOT NULL CHECK (kind IN ('offboard', 'tag-add', 'tag-remove')),
    tag            text,            -- the tag of a tag plan
    comment        text,            -- the Comment sent with every offboard request
    selection      text NOT NULL,   -- canonical JSON: how the devices were chosen (--retired, --device …)
    selection_key  text NOT NULL,   -- SHA-256 over kind, tag, comment and selection: a rerun finds its plan
    requested_by   text NOT NULL,   -- the person who ran the command ($USER or --requested-by)
    client_id      text NOT NULL,   -- the app MDE records as the requestor
    api_base_url   text NOT NULL,
    created_at     text NOT NULL,   -- local clock
    devices        bigint NOT NULL,
    skipped        text NOT NULL,    -- canonical JSON array of {device, id, reason}
    sent_comment text,
    document text,
    document_sha256 text
);

CREATE TABLE outbox_steps (
    seq          bigint PRIMARY KEY,
    plan         bigint NOT NULL REFERENCES outbox_plans(id),
    machine_id   text NOT NULL,
    step         text NOT NULL
                 CHECK (step IN ('planned', 'sent', 'accepted', 'already-requested', 'rejected', 'deferred')),
    call         bigint,   -- tag plans: the API call the device was sent in
    action_id    text,      -- accepted offboard: the MachineAction id
    action_json  text,      -- accepted offboard: the MachineAction as the API returned it
    reconciled   bigint NOT NULL DEFAULT 0 CHECK (reconciled IN (0, 1)),  -- found by listing, not answered
    http_status  bigint,
    error_code   text,
    message      text,
    recorded_at  text NOT NULL,   -- local clock
    service_time text
);

CREATE TABLE source_observations (
    seq          bigint PRIMARY KEY,
    tenant       bigint NOT NULL REFERENCES tenants(id),
    source       text NOT NULL CHECK (source IN ('intune', 'entra', 'sku', 'user')),
    object_id    text NOT NULL,   -- Intune managed device id, Entra object id, skuId, user id
    join_key     text,            -- a device's Entra device id (Intune azureADDeviceId, Entra deviceId)
    run          bigint NOT NULL REFERENCES sync_runs(id),
    observed_at  text NOT NULL,   -- Graph's Date header
    present      bigint NOT NULL CHECK (present IN (0, 1)),
    activity_at  text,            -- Intune lastSyncDateTime when the row was written
    document     bigint REFERENCES raw_documents(id)   -- NULL when present = 0
);

CREATE TABLE finding_exceptions (
    seq          bigint PRIMARY KEY,
    tenant       bigint NOT NULL REFERENCES tenants(id),
    machine_id   text NOT NULL,
    state        text NOT NULL,
    reason       text NOT NULL,
    approved_by  text,
    recorded_by  text NOT NULL,
    recorded_at  text NOT NULL,   -- local clock
    valid_from   text NOT NULL,   -- canonical UTC: the first second it applies
    until_date   text NOT NULL,   -- YYYY-MM-DD as given: the last day it applies
    expires_at   text NOT NULL,   -- canonical UTC: the first second it no longer applies
    run          bigint NOT NULL REFERENCES sync_runs(id)
);

CREATE TABLE exception_revocations (
    seq          bigint PRIMARY KEY,
    tenant       bigint NOT NULL REFERENCES tenants(id),
    exception    bigint NOT NULL REFERENCES finding_exceptions(seq),
    reason       text NOT NULL,
    revoked_by   text NOT NULL,
    revoked_at   text NOT NULL,   -- local clock; the exception ends here
    run          bigint NOT NULL REFERENCES sync_runs(id)
);

CREATE TABLE manual_offboards (
    seq           bigint PRIMARY KEY,
    tenant        bigint NOT NULL REFERENCES tenants(id),
    machine_id    text NOT NULL,
    offboarded_at text NOT NULL,  -- canonical UTC: when the offboarding was done
    evidence      text NOT NULL,
    recorded_by   text NOT NULL,
    recorded_at   text NOT NULL,  -- local clock
    run           bigint NOT NULL REFERENCES sync_runs(id)
);

CREATE INDEX machine_observations_by_machine ON machine_observations (tenant, machine_id, observed_at);
CREATE INDEX machine_observations_by_run ON machine_observations (run);
CREATE INDEX machine_observations_by_aad ON machine_observations (lower(aad_device_id));
CREATE INDEX machine_observations_by_host
    ON machine_observations (lower(substr(computer_dns_name, 1, strpos(computer_dns_name || '.', '.') - 1)));
CREATE INDEX machine_observations_by_merged ON machine_observations (tenant, merged_into_machine_id)
    WHERE merged_into_machine_id IS NOT NULL;
CREATE INDEX machine_action_observations_by_action ON machine_action_observations (tenant, action_id, observed_at);
CREATE INDEX machine_action_observations_by_run ON machine_action_observations (run);
CREATE INDEX machine_action_observations_by_machine
    ON machine_action_observations (tenant, machine_id, type, observed_at);
CREATE INDEX machine_actions_by_machine ON machine_actions (tenant, machine_id, type, created_at);
CREATE INDEX device_keys_by_folded_id ON device_keys (lower(machine_id));
CREATE INDEX device_sightings_by_device ON device_sightings (device, run);
CREATE INDEX device_latest_by_tenant ON device_latest (tenant);
CREATE INDEX device_latest_by_observation ON device_latest (observation);
CREATE INDEX retirements_by_machine ON retirements (tenant, machine_id, seq);
CREATE INDEX retirement_withdrawals_by_machine ON retirement_withdrawals (tenant, machine_id, retirement);
CREATE INDEX retirement_withdrawals_by_run ON retirement_withdrawals (run);
CREATE INDEX outbox_plans_by_key ON outbox_plans (tenant, selection_key, id);
CREATE INDEX outbox_steps_by_plan ON outbox_steps (plan, machine_id, seq);
CREATE INDEX outbox_steps_by_machine ON outbox_steps (machine_id, seq);
CREATE INDEX source_observations_by_object ON source_observations (tenant, source, object_id, seq);
CREATE INDEX source_observations_by_key ON source_observations (tenant, join_key) WHERE join_key IS NOT NULL;
CREATE INDEX source_observations_by_run ON source_observations (run);
CREATE INDEX finding_exceptions_by_machine ON finding_exceptions (tenant, machine_id);
CREATE INDEX finding_exceptions_by_run ON finding_exceptions (run);
CREATE INDEX exception_revocations_by_exception ON exception_revocations (exception);
CREATE INDEX exception_revocations_by_run ON exception_revocations (run);
CREATE INDEX manual_offboards_by_machine ON manual_offboards (tenant, machine_id);
CREATE INDEX manual_offboards_by_run ON manual_offboards (run);

-- Append-only, as in SQLite; TRUNCATE too, which fires no row trigger.
CREATE TRIGGER device_keys_no_update BEFORE UPDATE ON device_keys FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER device_keys_no_delete BEFORE DELETE ON device_keys FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER device_keys_no_truncate BEFORE TRUNCATE ON device_keys FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
CREATE TRIGGER raw_documents_no_update BEFORE UPDATE ON raw_documents FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER raw_documents_no_delete BEFORE DELETE ON raw_documents FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER raw_documents_no_truncate BEFORE TRUNCATE ON raw_documents FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
CREATE TRIGGER machine_observations_no_update BEFORE UPDATE ON machine_observations FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER machine_observations_no_delete BEFORE DELETE ON machine_observations FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER machine_observations_no_truncate BEFORE TRUNCATE ON machine_observations FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
CREATE TRIGGER device_sightings_no_update BEFORE UPDATE ON device_sightings FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER device_sightings_no_delete BEFORE DELETE ON device_sightings FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER device_sightings_no_truncate BEFORE TRUNCATE ON device_sightings FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
CREATE TRIGGER machine_action_observations_no_update BEFORE UPDATE ON machine_action_observations FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER machine_action_observations_no_delete BEFORE DELETE ON machine_action_observations FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER machine_action_observations_no_truncate BEFORE TRUNCATE ON machine_action_observations FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
CREATE TRIGGER ledger_formats_no_update BEFORE UPDATE ON ledger_formats FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER ledger_formats_no_delete BEFORE DELETE ON ledger_formats FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER ledger_formats_no_truncate BEFORE TRUNCATE ON ledger_formats FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
CREATE TRIGGER retirements_no_update BEFORE UPDATE ON retirements FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER retirements_no_delete BEFORE DELETE ON retirements FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER retirements_no_truncate BEFORE TRUNCATE ON retirements FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
CREATE TRIGGER retirement_withdrawals_no_update BEFORE UPDATE ON retirement_withdrawals FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER retirement_withdrawals_no_delete BEFORE DELETE ON retirement_withdrawals FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER retirement_withdrawals_no_truncate BEFORE TRUNCATE ON retirement_withdrawals FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
CREATE TRIGGER outbox_plans_no_update BEFORE UPDATE ON outbox_plans FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER outbox_plans_no_delete BEFORE DELETE ON outbox_plans FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER outbox_plans_no_truncate BEFORE TRUNCATE ON outbox_plans FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
CREATE TRIGGER outbox_steps_no_update BEFORE UPDATE ON outbox_steps FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER outbox_steps_no_delete BEFORE DELETE ON outbox_steps FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER outbox_steps_no_truncate BEFORE TRUNCATE ON outbox_steps FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
CREATE TRIGGER source_observations_no_update BEFORE UPDATE ON source_observations FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER source_observations_no_delete BEFORE DELETE ON source_observations FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER source_observations_no_truncate BEFORE TRUNCATE ON source_observations FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
CREATE TRIGGER finding_exceptions_no_update BEFORE UPDATE ON finding_exceptions FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER finding_exceptions_no_delete BEFORE DELETE ON finding_exceptions FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER finding_exceptions_no_truncate BEFORE TRUNCATE ON finding_exceptions FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
CREATE TRIGGER exception_revocations_no_update BEFORE UPDATE ON exception_revocations FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER exception_revocations_no_delete BEFORE DELETE ON exception_revocations FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER exception_revocations_no_truncate BEFORE TRUNCATE ON exception_revocations FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
CREATE TRIGGER manual_offboards_no_update BEFORE UPDATE ON manual_offboards FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER manual_offboards_no_delete BEFORE DELETE ON manual_offboards FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER manual_offboards_no_truncate BEFORE TRUNCATE ON manual_offboards FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();

-- The writer adds history and rewrites only the two current-state tables; the auditor reads.
GRANT SELECT, INSERT ON device_keys, raw_documents, machine_observations, device_sightings, machine_action_observations, ledger_formats, retirements, retirement_withdrawals, outbox_plans, outbox_steps, source_observations, finding_exceptions, exception_revocations, manual_offboards TO mde_ledger_writer;
GRANT SELECT, INSERT, UPDATE, DELETE ON device_latest, machine_actions TO mde_ledger_writer;
GRANT SELECT ON device_keys, raw_documents, machine_observations, device_sightings, device_latest, machine_action_observations, machine_actions, ledger_formats, retirements, retirement_withdrawals, outbox_plans, outbox_steps, source_observations, finding_exceptions, exception_revocations, manual_offboards TO mde_ledger_auditor;

-- Row-level security as in 0001: the writer sees everything, a reader the tenants granted to it.
ALTER TABLE device_keys ENABLE ROW LEVEL SECURITY;
CREATE POLICY writer_all ON device_keys TO mde_ledger_writer USING (true) WITH CHECK (true);
ALTER TABLE raw_documents ENABLE ROW LEVEL SECURITY;
CREATE POLICY writer_all ON raw_documents TO mde_ledger_writer USING (true) WITH CHECK (true);
ALTER TABLE machine_observations ENABLE ROW LEVEL SECURITY;
CREATE POLICY writer_all ON machine_observations TO mde_ledger_writer USING (true) WITH CHECK (true);
ALTER TABLE device_sightings ENABLE ROW LEVEL SECURITY;
CREATE POLICY writer_all ON device_sightings TO mde_ledger_writer USING (true) WITH CHECK (true);
ALTER TABLE device_latest ENABLE ROW LEVEL SECURITY;
CREATE POLICY writer_all ON device_latest TO mde_ledger_writer USING (true) WITH CHECK (true);
ALTER TABLE machine_action_observations ENABLE ROW LEVEL SECURITY;
CREATE POLICY writer_all ON machine_action_observations TO mde_ledger_writer USING (true) WITH CHECK (true);
ALTER TABLE machine_actions ENABLE ROW LEVEL SECURITY;
CREATE POLICY writer_all ON machine_actions TO mde_ledger_writer USING (true) WITH CHECK (true);
ALTER TABLE ledger_formats ENABLE ROW LEVEL SECURITY;
CREATE POLICY writer_all ON ledger_formats TO mde_ledger_writer USING (true) WITH CHECK (true);
ALTER TABLE retirements ENABLE ROW LEVEL SECURITY;
CREATE POLICY writer_all ON retirements TO mde_ledger_writer USING (true) WITH CHECK (true);
ALTER TABLE retirement_withdrawals ENABLE ROW LEVEL SECURITY;
CREATE POLICY writer_all ON retirement_withdrawals TO mde_ledger_writer USING (true) WITH CHECK (true);
ALTER TABLE outbox_plans ENABLE ROW LEVEL SECURITY;
CREATE POLICY writer_all ON outbox_plans TO mde_ledger_writer USING (true) WITH CHECK (true);
ALTER TABLE outbox_steps ENABLE ROW LEVEL SECURITY;
CREATE POLICY writer_all ON outbox_steps TO mde_ledger_writer USING (true) WITH CHECK (true);
ALTER TABLE source_observations ENABLE ROW LEVEL SECURITY;
CREATE POLICY writer_all ON source_observations TO mde_ledger_writer USING (true) WITH CHECK (true);
ALTER TABLE finding_exceptions ENABLE ROW LEVEL SECURITY;
CREATE POLICY writer_all ON finding_exceptions TO mde_ledger_writer USING (true) WITH CHECK (true);
ALTER TABLE exception_revocations ENABLE ROW LEVEL SECURITY;
CREATE POLICY writer_all ON exception_revocations TO mde_ledger_writer USING (true) WITH CHECK (true);
ALTER TABLE manual_offboards ENABLE ROW LEVEL SECURITY;
CREATE POLICY writer_all ON manual_offboards TO mde_ledger_writer USING (true) WITH CHECK (true);
CREATE POLICY reader_scope ON device_keys FOR SELECT USING (may_read_tenant(tenant));
CREATE POLICY reader_scope ON machine_observations FOR SELECT USING (may_read_tenant(tenant));
CREATE POLICY reader_scope ON device_latest FOR SELECT USING (may_read_tenant(tenant));
CREATE POLICY reader_scope ON machine_action_observations FOR SELECT USING (may_read_tenant(tenant));
CREATE POLICY reader_scope ON machine_actions FOR SELECT USING (may_read_tenant(tenant));
CREATE POLICY reader_scope ON retirements FOR SELECT USING (may_read_tenant(tenant));
CREATE POLICY reader_scope ON retirement_withdrawals FOR SELECT USING (may_read_tenant(tenant));
CREATE POLICY reader_scope ON outbox_plans FOR SELECT USING (may_read_tenant(tenant));
CREATE POLICY reader_scope ON source_observations FOR SELECT USING (may_read_tenant(tenant));
CREATE POLICY reader_scope ON finding_exceptions FOR SELECT USING (may_read_tenant(tenant));
CREATE POLICY reader_scope ON exception_revocations FOR SELECT USING (may_read_tenant(tenant));
CREATE POLICY reader_scope ON manual_offboards FOR SELECT USING (may_read_tenant(tenant));
-- Rows without a tenant column follow the row they belong to.
CREATE POLICY reader_scope ON device_sightings FOR SELECT
    USING (EXISTS (SELECT 1 FROM device_keys k WHERE k.key = device AND may_read_tenant(k.tenant)));
CREATE POLICY reader_scope ON outbox_steps FOR SELECT
    USING (EXISTS (SELECT 1 FROM outbox_plans p WHERE p.id = plan AND may_read_tenant(p.tenant)));
-- A stored document is shared by every row with the same bytes, whatever the tenant: readable when a row the
-- reader may see points at it.
CREATE POLICY reader_scope ON raw_documents FOR SELECT
    USING (EXISTS (SELECT 1 FROM machine_observations o WHERE o.document = id AND may_read_tenant(o.tenant))
        OR EXISTS (SELECT 1 FROM source_observations o WHERE o.document = id AND may_read_tenant(o.tenant)));
-- The ledger's formats describe the file, not a customer.
CREATE POLICY reader_scope ON ledger_formats FOR SELECT USING (true);
