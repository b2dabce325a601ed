import Foundation
import GRDB
import MDEAPI

extension OutboxEngine {
    /// Sends one offboard request per open device. A device whose latest step is `sent` may have had its answer
    /// lost; its Offboard actions are listed first, and a request goes out only if none is found. Right before each
    /// request the device is read live (`GET /api/machines/{id}`) and skipped if it no longer is what the plan shows.
    func offboard(_ open: [OutboxDeviceStep], _ run: inout OutboxRun) async throws {
        let plan = run.plan
        let expected = try await expectedDevices(plan)
        for device in open {
            let id = device.machineId
            if device.step == .sent {
                switch try await reconcile(id, plan: plan) {
                case .ours(let action):
                    try accept(action, id, reconciled: true, &run)
                    run.advance()
                    continue
                case .theirs(let action):
                    try recordTheirs(action, id, &run)
                    run.advance()
                    continue
                case .none: break
                }
            }
            let check = try await client.currentMachine(id: id)
            let serviceTime = check.serviceTime.map(UTCTime.format)
            if let reason = Self.recheckRefusal(check.machine, expected: expected[id.lowercased()]) {
                try ledger.appendSteps(
                    plan,
                    [
                        StepRecord(
                            machineId: id, step: .rejected, errorCode: Self.recheckCode, message: reason,
                            serviceTime: serviceTime)
                    ])
                checkpoint()
                logger.warning("offboard \(ErrorText.escaped(id)): not sent: \(reason)")
                run.advance()
                continue
            }
            try ledger.appendSteps(plan, [StepRecord(machineId: id, step: .sent, serviceTime: serviceTime)])
            checkpoint()
            run.sent += 1
            do {
                let action = try await client.offboard(machineId: id, comment: plan.commentToSend)
                checkpoint()
                try accept(action, id, reconciled: false, &run)
            } catch let error as MDEAPIError {
                checkpoint()
                try await refused(error, id, &run)
            } catch let error as MDEDecodingError {
                // A 2xx whose body is not an action: the service acted, so this is a lost answer, never a refusal.
                checkpoint()
                try await refused(
                    MDEAPIError(
                        status: 201, method: "POST", endpoint: "/api/machines/{id}/offboard",
                        message: "the answer is not a machine action (\(error.problem))"), id, &run)
            }
            run.advance()
            if run.pendingActions.count >= commitEvery { try await commitActions(&run) }
        }
    }

    /// The error code of a step refused by the live re-check (no request was sent).
    static let recheckCode = "live-recheck"

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

    /// Another requestor's open Offboard action: the device counts as requested, by them, never as ours.
    private func recordTheirs(_ action: MachineAction, _ id: String, _ run: inout OutboxRun) throws {
        try ledger.appendSteps(
            run.plan,
            [
                StepRecord(
                    machineId: id, step: .alreadyRequested, actionId: action.id, errorCode: "requested-by-someone-else",
                    message: "already requested by someone else: \(action.requestor ?? "unknown requestor") at "
                        + "\(action.creationDateTimeUtc ?? "-"), comment \"\(action.requestorComment ?? "")\"")
            ])
        checkpoint()
    }

    /// Records the API's refusal. Throttling and authorisation problems stop the run (the device is sent again
    /// on a rerun). A lost answer (no answer, a reset, a 5xx, or a 2xx that does not read as an action) is
    /// reconciled at once; if no action is listed yet, a second `sent` step records the status and body and the
    /// device stays open for the next run to reconcile.
    private func refused(_ error: MDEAPIError, _ id: String, _ run: inout OutboxRun) async throws {
        func step(_ kind: OutboxStep) -> StepRecord {
            StepRecord(
                machineId: id, step: kind, httpStatus: error.status, errorCode: error.code,
                message: error.message ?? error.hint)
        }
        if MDEClient.isAlreadyInProgress(error) {
            // Someone's Offboard action is open; list it so the step says whose it is.
            if case .theirs(let action) = try await reconcile(id, plan: run.plan) {
                try recordTheirs(action, id, &run)
            } else {
                try ledger.appendSteps(run.plan, [step(.alreadyRequested)])
                checkpoint()
            }
            return
        }
        switch error.status {
        case nil, .some(200...299), .some(500...599):
            // The request may have reached the service: only the machine's actions can tell.
            switch try await reconcile(id, plan: run.plan) {
            case .ours(let action): try accept(action, id, reconciled: true, &run)
            case .theirs(let action): try recordTheirs(action, id, &run)
            case .none:
                var record = step(.sent)
                record.message = [error.message, error.body.map { "body: \($0)" }].compactMap { $0 }
                    .joined(separator: "; ")
                try ledger.appendSteps(run.plan, [record])
                checkpoint()
                let status = error.status.map { "\($0) \(MDEAPIError.reasonPhrase($0))" } ?? "no answer"
                logger.warning(
                    "offboard \(ErrorText.escaped(id)): \(status); no action listed yet, so the request stays open: the next run checks the machine's actions before sending again"
                )
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

    /// What the service lists for a device whose answer was lost.
    enum Reconciled {
        /// This plan's action: its comment is the plan's own and it was created after the request was sent.
        case ours(MachineAction)
        /// An open Offboard action of someone else (another admin, the portal, another plan).
        case theirs(MachineAction)
        case none
    }

    /// Lists the machine's Offboard actions. Only an action carrying this plan's exact comment (which names the
    /// plan), created no earlier than the service's clock when the request was sent, and not already known as
    /// an older failed request, is this plan's. Any other open action is someone else's request.
    func reconcile(_ id: String, plan: OutboxPlan) async throws -> Reconciled {
        let actions = try await client.offboardActions(machineId: id)
        let (failedBefore, sentAt) = try await ledger.dbQueue.read { db in
            let failed = try Set(
                String.fetchAll(
                    db,
                    sql: """
                        SELECT id FROM machine_actions
                        WHERE tenant = ? AND machine_id = ? AND status IN ('Failed', 'TimeOut', 'Cancelled')
                        """, arguments: [plan.tenantId, id]))
            let sent = try String.fetchOne(
                db,
                sql: """
                    SELECT min(service_time) FROM outbox_steps
                    WHERE plan = ? AND machine_id = ? AND step = 'sent' AND service_time IS NOT NULL
                    """, arguments: [plan.id, id])
            return (failed, sent)
        }
        // The Date header has whole seconds and comes from the service's front end, the creation time from its
        // back end: a minute of slack for their clocks. Within it only this plan's own comment can match anyway.
        let notBefore = sentAt.flatMap(UTCTime.parse).map { UTCTime.format($0.addingTimeInterval(-60)) }
        let candidates = actions.filter { !failedBefore.contains($0.id) }
        if let ours = candidates.last(where: { action in
            action.requestorComment == plan.commentToSend
                && (notBefore == nil || (action.creationDateTimeUtc.flatMap(UTCTime.canonical) ?? "") >= notBefore!)
        }) {
            return .ours(ours)
        }
        if let theirs = candidates.last(where: { ["Pending", "InProgress"].contains($0.status ?? "") }) {
            return .theirs(theirs)
        }
        return .none
    }

    /// The devices as the plan shows them, by lower-cased id: the approved document, or the ledger's machines for
    /// plans made before documents were kept.
    private func expectedDevices(_ plan: OutboxPlan) async throws -> [String: PlannedDevice] {
        if let document = plan.document {
            return Dictionary(document.devices.map { ($0.id.lowercased(), $0) }, uniquingKeysWith: { a, _ in a })
        }
        return try await ledger.dbQueue.read { db in
            var out: [String: PlannedDevice] = [:]
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT m.id, m.computer_dns_name, m.aad_device_id, m.os_platform
                    FROM machines m JOIN outbox_latest l ON l.machine_id = m.id AND l.plan = ?
                    WHERE m.tenant = ?
                    """, arguments: [plan.id, plan.tenantId])
            for row in rows {
                let id: String = row[0]
                out[id.lowercased()] = PlannedDevice(
                    id: id, computerDnsName: row[1], aadDeviceId: row[2], osPlatform: row[3], lastSeen: nil,
                    reason: "")
            }
            return out
        }
    }

    /// Why the device as the service lists it now must not be sent the plan's request; nil when it may.
    static func recheckRefusal(_ machine: Machine?, expected: PlannedDevice?) -> String? {
        guard let machine else { return "live re-check: the service no longer lists this device" }
        guard (machine.onboardingStatus ?? "").lowercased() == "onboarded" else {
            return "live re-check: onboardingStatus is now \(machine.onboardingStatus ?? "missing"), not Onboarded"
        }
        if let refusal = OffboardPlatform.refusal(machine.osPlatform) { return "live re-check: \(refusal)" }
        guard let expected else { return nil }
        if let platform = expected.osPlatform, platform.lowercased() != (machine.osPlatform ?? "").lowercased() {
            return "live re-check: osPlatform is now \(machine.osPlatform ?? "missing"), the plan shows \(platform)"
        }
        let sameName =
            expected.computerDnsName.map { $0.lowercased() == (machine.computerDnsName ?? "").lowercased() } ?? false
        let sameEntra =
            expected.aadDeviceId.map { $0.lowercased() == (machine.aadDeviceId ?? "").lowercased() } ?? false
        if !sameName && !sameEntra && (expected.computerDnsName != nil || expected.aadDeviceId != nil) {
            return "live re-check: the device is now \(machine.computerDnsName ?? "unnamed") (Entra "
                + "\(machine.aadDeviceId ?? "-")); the plan shows \(expected.computerDnsName ?? "unnamed") (Entra "
                + "\(expected.aadDeviceId ?? "-"))"
        }
        return nil
    }
}
