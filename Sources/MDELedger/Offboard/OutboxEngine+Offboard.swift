import Foundation
import GRDB
import MDEAPI

extension OutboxEngine {
    /// Sends one offboard request per open device. A device whose latest step is `sent` may have had its answer
    /// lost; its Offboard actions are listed first, and a request goes out only if none is found.
    func offboard(_ open: [OutboxDeviceStep], _ run: inout OutboxRun) async throws {
        let plan = run.plan
        let comment = plan.comment ?? ""
        for device in open {
            let id = device.machineId
            if device.step == .sent, let action = try await reconcile(id, plan: plan) {
                try accept(action, id, reconciled: true, &run)
                run.advance()
                continue
            }
            try ledger.appendSteps(plan, [StepRecord(machineId: id, step: .sent)])
            checkpoint()
            run.sent += 1
            do {
                let action = try await client.offboard(machineId: id, comment: comment)
                checkpoint()
                try accept(action, id, reconciled: false, &run)
            } catch let error as MDEAPIError {
                checkpoint()
                try await refused(error, id, &run)
            }
            run.advance()
            if run.pendingActions.count >= commitEvery { try await commitActions(&run) }
        }
    }

    private func accept(_ action: MachineAction, _ id: String, reconciled: Bool, _ run: inout OutboxRun) throws {
        try ledger.appendSteps(
            run.plan,
            [
                StepRecord(
                    machineId: id, step: .accepted, actionId: action.id, actionJSON: action.raw.canonicalText(),
                    reconciled: reconciled)
            ])
        checkpoint()
        run.pendingActions.append(action)
    }

    /// Records the API's refusal. Throttling and authorisation problems stop the run (the device is sent again
    /// on a rerun); a lost answer is reconciled at once, else left `sent` for the next run to reconcile.
    private func refused(_ error: MDEAPIError, _ id: String, _ run: inout OutboxRun) async throws {
        func step(_ kind: OutboxStep) -> StepRecord {
            StepRecord(
                machineId: id, step: kind, httpStatus: error.status, errorCode: error.code,
                message: error.message ?? error.hint)
        }
        if MDEClient.isAlreadyInProgress(error) {
            try ledger.appendSteps(run.plan, [step(.alreadyRequested)])
            checkpoint()
            return
        }
        switch error.status {
        case nil, .some(500...599):
            // The request may have reached the service: only the machine's actions can tell.
            if let action = try await reconcile(id, plan: run.plan) {
                try accept(action, id, reconciled: true, &run)
            } else {
                logger.warning("offboard \(id): no answer and no action listed yet; the next run checks again")
            }
        case .some(401), .some(403), .some(429):
            try ledger.appendSteps(run.plan, [step(.deferred)])
            checkpoint()
            throw error
        default:
            try ledger.appendSteps(run.plan, [step(.rejected)])
            checkpoint()
        }
    }

    /// The Offboard action this plan's request created, if the service lists one: an action carrying the plan's
    /// comment, or any action still open (a second request would be refused anyway). Actions the ledger already
    /// holds as failed are older requests (a `--retry-failed` plan may carry the same comment), never this one.
    func reconcile(_ id: String, plan: OutboxPlan) async throws -> MachineAction? {
        let actions = try await client.offboardActions(machineId: id)
        let failedBefore = try await ledger.dbQueue.read { db in
            try Set(
                String.fetchAll(
                    db,
                    sql: """
                        SELECT id FROM machine_actions
                        WHERE tenant = ? AND machine_id = ? AND status IN ('Failed', 'TimeOut', 'Cancelled')
                        """, arguments: [plan.tenantId, id]))
        }
        return actions.last { action in
            !failedBefore.contains(action.id)
                && (action.requestorComment == plan.comment || ["Pending", "InProgress"].contains(action.status ?? ""))
        }
    }
}
