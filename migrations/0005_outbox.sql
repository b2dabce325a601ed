-- 0005_outbox: offboard and tag requests sent through the MDE API. A plan records who asked for what and why;
-- each device's steps (planned → sent → accepted / already-requested / rejected, or deferred back to planned)
-- are appended one row at a time, each committed before the next network call. Both tables are history:
-- triggers refuse UPDATE and DELETE, and a device's state in a plan is its latest step.

CREATE TABLE outbox_plans (
    id             INTEGER PRIMARY KEY,
    tenant         INTEGER NOT NULL REFERENCES tenants(id),
    kind           TEXT NOT NULL CHECK (kind IN ('offboard', 'tag-add', 'tag-remove')),
    tag            TEXT,            -- the tag of a tag plan
    comment        TEXT,            -- the Comment sent with every offboard request
    selection      TEXT NOT NULL,   -- canonical JSON: how the devices were chosen (--retired, --device …)
    selection_key  TEXT NOT NULL,   -- SHA-256 over kind, tag, comment and selection: a rerun finds its plan
    requested_by   TEXT NOT NULL,   -- the person who ran the command ($USER or --requested-by)
    client_id      TEXT NOT NULL,   -- the app MDE records as the requestor
    api_base_url   TEXT NOT NULL,
    created_at     TEXT NOT NULL,   -- local clock
    devices        INTEGER NOT NULL,
    skipped        TEXT NOT NULL    -- canonical JSON array of {device, id, reason}
) STRICT;
CREATE INDEX outbox_plans_by_key ON outbox_plans (tenant, selection_key, id);

CREATE TABLE outbox_steps (
    seq          INTEGER PRIMARY KEY,
    plan         INTEGER NOT NULL REFERENCES outbox_plans(id),
    machine_id   TEXT NOT NULL,
    step         TEXT NOT NULL
                 CHECK (step IN ('planned', 'sent', 'accepted', 'already-requested', 'rejected', 'deferred')),
    call         INTEGER,   -- tag plans: the API call the device was sent in
    action_id    TEXT,      -- accepted offboard: the MachineAction id
    action_json  TEXT,      -- accepted offboard: the MachineAction as the API returned it
    reconciled   INTEGER NOT NULL DEFAULT 0 CHECK (reconciled IN (0, 1)),  -- found by listing, not answered
    http_status  INTEGER,
    error_code   TEXT,
    message      TEXT,
    recorded_at  TEXT NOT NULL   -- local clock
) STRICT;
CREATE INDEX outbox_steps_by_plan ON outbox_steps (plan, machine_id, seq);
CREATE INDEX outbox_steps_by_machine ON outbox_steps (machine_id, seq);

CREATE TRIGGER outbox_plans_no_update BEFORE UPDATE ON outbox_plans
BEGIN SELECT RAISE(ABORT, 'outbox_plans are append-only'); END;
CREATE TRIGGER outbox_plans_no_delete BEFORE DELETE ON outbox_plans
BEGIN SELECT RAISE(ABORT, 'outbox_plans are append-only'); END;
CREATE TRIGGER outbox_steps_no_update BEFORE UPDATE ON outbox_steps
BEGIN SELECT RAISE(ABORT, 'outbox_steps are append-only'); END;
CREATE TRIGGER outbox_steps_no_delete BEFORE DELETE ON outbox_steps
BEGIN SELECT RAISE(ABORT, 'outbox_steps are append-only'); END;

-- Where each device of each plan stands: its latest step.
CREATE VIEW outbox_latest AS
SELECT p.tenant, p.kind, s.*
FROM outbox_steps s JOIN outbox_plans p ON p.id = s.plan
WHERE s.seq = (SELECT max(x.seq) FROM outbox_steps x WHERE x.plan = s.plan AND x.machine_id = s.machine_id);
