-- 0007_offboard_safety: what an offboard plan was approved as, and what the service said and when (issue 17).
--
-- * outbox_plans.sent_comment: the exact Comment sent to MDE with each request of the plan; it names the plan and
--   the person who asked, so a lost answer is reconciled only with an action this plan created. NULL on plans made
--   before this migration, which sent `comment` as it was.
-- * outbox_plans.document / document_sha256: the plan as approved (canonical JSON: every device with its id, name,
--   platform, state, how it was selected and matched, the list and line; the comment, the requester, the ledger
--   head it was computed from). `offboard --plan-out` writes the same document; `offboard --plan` sends exactly it.
-- * outbox_steps.service_time: the service's clock (its Date header) when the step's call was sent or answered, so
--   "created after the request was sent" compares two times from one clock.
-- The tables stay append-only: their triggers refuse UPDATE and DELETE, so these columns are set once, at INSERT.

ALTER TABLE outbox_plans ADD COLUMN sent_comment TEXT;
ALTER TABLE outbox_plans ADD COLUMN document TEXT;
ALTER TABLE outbox_plans ADD COLUMN document_sha256 TEXT;
ALTER TABLE outbox_steps ADD COLUMN service_time TEXT;

-- * retirements.list_sha256: the SHA-256 of the retirement list file a row came from, so `offboard --retired --list`
--   can take one list by its hash (NULL on rows imported before this migration; they match by file name only).
-- * retirement_withdrawals: `retired withdraw DEVICE --reason TEXT` takes back a retirement recorded by mistake,
--   with who, when and why, in a run of its own (covered by its digest). A withdrawal covers the device's
--   retirement rows up to the one it names; a later import retires the device again. The retirement rows stay.
--   `offboard --retired` never selects a withdrawn retirement. (The lifecycle views still show the retirement: a
--   withdrawal changes answers about the past, which is a correction, and corrections are shown by the
--   known-at design, not by rewriting views here.)
ALTER TABLE retirements ADD COLUMN list_sha256 TEXT;

CREATE TABLE retirement_withdrawals (
    seq          INTEGER PRIMARY KEY,
    tenant       INTEGER NOT NULL REFERENCES tenants(id),
    machine_id   TEXT NOT NULL,
    retirement   INTEGER NOT NULL REFERENCES retirements(seq),  -- the latest retirement row it withdraws
    reason       TEXT NOT NULL,
    withdrawn_by TEXT NOT NULL,
    withdrawn_at TEXT NOT NULL,   -- local clock
    run          INTEGER NOT NULL REFERENCES sync_runs(id)
) STRICT;
CREATE INDEX retirement_withdrawals_by_machine ON retirement_withdrawals (tenant, machine_id, retirement);
CREATE INDEX retirement_withdrawals_by_run ON retirement_withdrawals (run);
CREATE TRIGGER retirement_withdrawals_no_update BEFORE UPDATE ON retirement_withdrawals
BEGIN SELECT RAISE(ABORT, 'retirement_withdrawals are append-only'); END;
CREATE TRIGGER retirement_withdrawals_no_delete BEFORE DELETE ON retirement_withdrawals
BEGIN SELECT RAISE(ABORT, 'retirement_withdrawals are append-only'); END;
