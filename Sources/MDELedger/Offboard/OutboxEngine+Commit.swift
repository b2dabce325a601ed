import Foundation
import GRDB
import MDEAPI

extension OutboxEngine {
    /// Writes the accepted actions into the ledger's machine actions as one small incomplete run.
    func commitActions(_ run: inout OutboxRun) async throws {
        guard !run.pendingActions.isEmpty else { return }
        let id = try await commitSnapshot(
            tenant: run.plan.tenant, source: "offboard plan \(run.plan.id)", actions: run.pendingActions)
        run.snapshotRuns.append(id)
        run.pendingActions = []
        checkpoint()
    }

    func commitMachines(_ machines: [Machine], _ run: inout OutboxRun) async throws {
        guard !machines.isEmpty else { return }
        let id = try await commitSnapshot(
            tenant: run.plan.tenant, source: "\(run.plan.kind.rawValue) plan \(run.plan.id)", machines: machines)
        run.snapshotRuns.append(id)
        checkpoint()
    }

    /// Actions an earlier, killed run recorded as accepted but did not write into the machine actions yet.
    func commitUnrecordedActions(tenant: TenantRecord) async throws {
        let texts = try await ledger.dbQueue.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT s.action_json, p.id FROM outbox_steps s JOIN outbox_plans p ON p.id = s.plan
                    WHERE p.tenant = ? AND s.step = 'accepted' AND s.action_json IS NOT NULL
                      AND NOT EXISTS (SELECT 1 FROM machine_actions a WHERE a.tenant = p.tenant AND a.id = s.action_id)
                    ORDER BY s.seq
                    """, arguments: [tenant.id])
        }
        guard !texts.isEmpty else { return }
        let actions = try texts.map { try MachineAction(json: JSONValue.parse($0[0] as String)) }
        let plans = Set(texts.map { $0[1] as Int64 }).sorted().map(String.init).joined(separator: ", ")
        _ = try await commitSnapshot(tenant: tenant.name, source: "offboard plan \(plans)", actions: actions)
        checkpoint()
    }

    /// The snapshot-commit path a sync uses, with only these items and `complete = false`: nothing is marked
    /// removed, and the lifecycle sees the new actions at once.
    private func commitSnapshot(
        tenant: String, source: String, actions: [MachineAction] = [], machines: [Machine] = []
    ) async throws -> Int64 {
        let times =
            actions.compactMap { $0.lastUpdateDateTimeUtc ?? $0.creationDateTimeUtc }
            + machines.compactMap(\.lastSeen)
        let now = ledger.clock.nowText()
        let observed = try await ledger.dbQueue.read { db in try Self.observedAt(db, tenant: tenant, times: times) }
        var info = RunInfo(
            tenant: TenantSelection(name: tenant), kind: "sync", complete: false, startedAt: now,
            observedAt: observed ?? now,
            source: source, machinesSeen: machines.count, actionsSeen: actions.count)
        info.timeSource = "the newest time of the returned items"
        let staging = Staging(dbQueue: ledger.dbQueue)
        do {
            try await staging.reset()
            try await staging.add(machines: machines)
            try await staging.add(actions: actions)
            let run = try await ledger.commitStaged(info).run
            await staging.drop()
            return run
        } catch {
            await staging.drop()
            throw error
        }
    }

    /// The time the returned items describe: the newest of their own times, never before the latest snapshot (a
    /// run must not rewrite what an earlier as-of answer said).
    private static func observedAt(_ db: Database, tenant: String, times: [String]) throws -> String? {
        let record = try Ledger.resolveTenant(db, TenantSelection(name: tenant))
        let latest = try Ledger.latestSnapshotTime(db, tenant: record.id)
        return (times + [latest].compactMap { $0 }).max()
    }
}
