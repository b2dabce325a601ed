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
