import Foundation
import GRDB
import MDEAPI

extension Ledger {
    /// Writes a new plan with a `planned` step per selected device, each an event in the chain, in one
    /// transaction.
    /// - Parameter document: the approved plan (`--plan`); nil makes it from `preview`.
    func createPlan(
        _ request: OutboxRequest, _ preview: OutboxPreview, document: PlanDocument? = nil
    ) throws -> OutboxPlan {
        try dbQueue.write { db in
            let skipped = JSONValue.array(preview.skipped.map(Self.json)).canonicalText()
            // The id is known before the INSERT (the lock is held), so the Comment sent can name the plan.
            let id = (try Int64.fetchOne(db, sql: "SELECT max(id) FROM outbox_plans") ?? 0) + 1
            let sent = request.comment.map {
                OutboxPlan.sentComment($0, plan: id, requestedBy: request.requestedBy)
            }
            let approved = document ?? preview.document(request, createdAt: self.clock.nowText())
            // Encoded once: the stored text, its hash and the event's hash come from the same bytes.
            let text = approved.canonicalText
            let sha = PlanDocument.sha256(of: text)
            try db.execute(
                sql: """
                    INSERT INTO outbox_plans (id, tenant, kind, tag, comment, selection, selection_key, requested_by,
                        client_id, api_base_url, created_at, devices, skipped, sent_comment, document, document_sha256)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    id, preview.tenant.id, request.kind.rawValue, request.tag, request.comment,
                    request.selectionJSON.canonicalText(), request.selectionKey, request.requestedBy, request.clientId,
                    request.apiBaseURL, self.clock.nowText(), preview.selected.count, skipped,
                    request.kind == .offboard ? sent : nil, text, sha,
                ])
            let events = try EventAppender(db, clock: self.clock)
            try events.append(
                kind: "outbox_plan_created", subject: "plan:\(id)", tenant: preview.tenant.id, run: nil,
                occurredAt: self.clock.nowText(),
                payload: .object([
                    "plan": .int(id), "kind": .string(request.kind.rawValue),
                    "tag": request.tag.map(JSONValue.string) ?? .null,
                    "comment": request.comment.map(JSONValue.string) ?? .null,
                    "selection": request.selectionJSON, "requested_by": .string(request.requestedBy),
                    "client_id": .string(request.clientId), "api_base_url": .string(request.apiBaseURL),
                    "as_of": preview.asOf.map(JSONValue.string) ?? .null,
                    "devices": .int(Int64(preview.selected.count)), "skipped": .int(Int64(preview.skipped.count)),
                    "sent_comment": (request.kind == .offboard ? sent : nil).map(JSONValue.string) ?? .null,
                    "plan_sha256": .string(sha), "head": .string(approved.head),
                ]))
            for device in preview.selected {
                try Self.appendStep(
                    db, events, plan: id, tenant: preview.tenant.id, StepRecord(machineId: device.id, step: .planned))
            }
            return try OutboxPlan(
                row: Row.fetchOne(db, sql: OutboxPlan.selectSQL + " WHERE p.id = ?", arguments: [id])!)
        }
    }

    /// Records a dry run: one event with what would be sent and what is skipped. Nothing else is written.
    public func recordDryRun(_ request: OutboxRequest, _ preview: OutboxPreview) throws {
        try dbQueue.write { db in
            try EventAppender(db, clock: self.clock).append(
                kind: "outbox_dry_run", subject: "tenant:\(preview.tenant.name)", tenant: preview.tenant.id, run: nil,
                occurredAt: self.clock.nowText(),
                payload: .object([
                    "kind": .string(request.kind.rawValue), "tag": request.tag.map(JSONValue.string) ?? .null,
                    "comment": request.comment.map(JSONValue.string) ?? .null, "selection": request.selectionJSON,
                    "requested_by": .string(request.requestedBy), "client_id": .string(request.clientId),
                    "as_of": preview.asOf.map(JSONValue.string) ?? .null,
                    "selected": .array(preview.selected.map { .string($0.id) }),
                    "skipped": .array(preview.skipped.map(Self.json)),
                ]))
        }
    }

    /// Appends steps (and their events) in one transaction: committed before the next network call.
    func appendSteps(_ plan: OutboxPlan, _ steps: [StepRecord]) throws {
        try dbQueue.write { db in
            let events = try EventAppender(db, clock: self.clock)
            for step in steps { try Self.appendStep(db, events, plan: plan.id, tenant: plan.tenantId, step) }
        }
    }

    /// One plan by id.
    public func outboxPlan(_ id: Int64) throws -> OutboxPlan {
        try dbQueue.read { db in
            guard let row = try Row.fetchOne(db, sql: OutboxPlan.selectSQL + " WHERE p.id = ?", arguments: [id]) else {
                throw LedgerError("no plan \(id); 'mde-ledger offboard --status' lists the plans")
            }
            return OutboxPlan(row: row)
        }
    }

    /// Every plan, oldest first.
    public func outboxPlans() throws -> [OutboxPlan] {
        try dbQueue.read { db in
            try Row.fetchAll(db, sql: OutboxPlan.selectSQL + " ORDER BY p.id").map(OutboxPlan.init(row:))
        }
    }

    private static func appendStep(
        _ db: Database, _ events: EventAppender, plan: Int64, tenant: Int64, _ step: StepRecord
    ) throws {
        let now = events.recordedAt
        let message = step.message.map(Secrets.redact)  // a server's text may echo what it was sent
        let statement = try db.cachedStatement(
            sql: """
                INSERT INTO outbox_steps (plan, machine_id, step, call, action_id, action_json, reconciled, http_status,
                    error_code, message, recorded_at, service_time)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
        try statement.execute(arguments: [
            plan, step.machineId, step.step.rawValue, step.call, step.actionId, step.actionJSON, step.reconciled,
            step.httpStatus, step.errorCode, message, now, step.serviceTime,
        ])
        var payload: [String: JSONValue] = ["plan": .int(plan), "step": .string(step.step.rawValue)]
        if let call = step.call { payload["call"] = .int(Int64(call)) }
        if let id = step.actionId { payload["action_id"] = .string(id) }
        if step.reconciled { payload["reconciled"] = .bool(true) }
        if let status = step.httpStatus { payload["http_status"] = .int(Int64(status)) }
        if let code = step.errorCode { payload["error_code"] = .string(code) }
        if let message { payload["message"] = .string(message) }
        if let time = step.serviceTime { payload["service_time"] = .string(time) }
        try events.append(
            kind: "outbox_step", subject: step.machineId, tenant: tenant, run: nil, occurredAt: now,
            payload: .object(payload))
    }

    static func json(_ skipped: SkippedDevice) -> JSONValue {
        .object([
            "device": .string(skipped.device), "id": skipped.id.map(JSONValue.string) ?? .null,
            "reason": .string(skipped.reason),
        ])
    }
}
