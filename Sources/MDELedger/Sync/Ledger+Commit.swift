import Foundation
import GRDB
import MDEAPI

extension Ledger {
    /// Writes the staged snapshot as one run, in one transaction: all of it or none of it. `beforeCommit` runs
    /// inside the transaction once everything is written (a test hook).
    func commitStaged(
        _ info: RunInfo, beforeCommit: @escaping @Sendable () -> Void = {}
    ) async throws -> RunSummary {
        try await dbQueue.write { [info] db in
            // The tenant is created here, inside the run's transaction, so a first run that fails leaves no trace.
            let tenant = try Self.resolveTenant(db, info.tenant, creating: clock)
            var info = info
            try Self.checkTimeOrder(db, tenant: tenant, info: &info)
            try MassRemovalCheck.check(db, tenant: tenant.id, complete: info.complete, allowed: info.allowMassRemoval)
            try db.execute(
                sql: """
                    INSERT INTO sync_runs (tenant, kind, status, complete, started_at, finished_at, observed_at, source,
                        machines_seen, actions_seen, api_calls, throttled, retries)
                    VALUES (?, ?, 'committed', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    tenant.id, info.kind, info.complete, info.startedAt, self.clock.nowText(), info.observedAt,
                    info.source, info.machinesSeen, info.actionsSeen, info.apiCalls, info.throttled, info.retries,
                ])
            let run = db.lastInsertedRowID
            let ctx = try SnapshotContext(
                db: db, tenant: tenant.id, run: run, observedAt: info.observedAt, complete: info.complete,
                clock: self.clock)
            try MachineSnapshotWriter.apply(ctx)
            try ActionSnapshotWriter.apply(ctx)
            ctx.transitions = try LifecycleTransitions.apply(
                db, tenant: tenant.id, run: run, asOf: info.observedAt, events: ctx.events)
            // Every run ends with its run_committed event, even one that wrote nothing else: `verify` requires
            // one per run, so cutting a run's tail off the chain is always noticed.
            try ctx.event(
                "run_committed", subject: "run:\(run)",
                [
                    "kind": .string(info.kind), "complete": .bool(info.complete), "source": .string(info.source),
                    "machines_seen": .int(Int64(info.machinesSeen)), "actions_seen": .int(Int64(info.actionsSeen)),
                    "discovered": .int(Int64(ctx.discovered)),
                    "observations": .int(Int64(ctx.observationsWritten)),
                    "action_observations": .int(Int64(ctx.actionObservationsWritten)),
                    "digest_version": .int(Int64(RunDigest.currentVersion)),
                    "observations_sha256": .string(try RunDigest.compute(db, run: run)),
                    "warnings": .array((info.warnings + ctx.warnings).map(JSONValue.string)),
                ].merging(info.credential.map { ["credential": .string($0)] } ?? [:]) { _, new in new })
            try db.execute(
                sql: "UPDATE sync_runs SET observations_written = ?, events_written = ?, finished_at = ? WHERE id = ?",
                arguments: [
                    ctx.observationsWritten + ctx.actionObservationsWritten, ctx.events.written, self.clock.nowText(),
                    run,
                ])
            beforeCommit()
            return RunSummary(
                run: run, kind: info.kind, tenant: tenant.name, observedAt: info.observedAt,
                complete: info.complete, machinesSeen: info.machinesSeen, actionsSeen: info.actionsSeen,
                observationsWritten: ctx.observationsWritten, sightingsWritten: ctx.sightingsWritten,
                actionObservationsWritten: ctx.actionObservationsWritten,
                eventsWritten: ctx.events.written, discovered: ctx.discovered, changed: ctx.changed,
                removed: ctx.removed, reappeared: ctx.reappeared, actionsNew: ctx.actionsNew,
                actionStatusChanges: ctx.actionStatusChanges, lifecycleTransitions: ctx.transitions,
                apiCalls: info.apiCalls, throttled: info.throttled,
                retries: info.retries, warnings: info.warnings + ctx.warnings)
        }
    }

    /// Records a failed run in its own small transaction. It touches nothing but `sync_runs`, so the
    /// previous committed run stays the current snapshot. Never throws: the original error matters more.
    func recordFailedRun(_ info: RunInfo, error: String) async {
        // The error can quote a server that echoed the request: no credential enters the ledger.
        let error = Secrets.redact(error)
        try? await dbQueue.write { db in
            // A tenant this failed run would have created does not exist: then there is nowhere to record it.
            guard let tenant = try? Self.resolveTenant(db, info.tenant) else { return }
            try db.execute(
                sql: """
                    INSERT INTO sync_runs (tenant, kind, status, complete, started_at, finished_at, observed_at, source,
                        machines_seen, actions_seen, api_calls, throttled, retries, error)
                    VALUES (?, ?, 'failed', ?, ?, ?, NULL, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    tenant.id, info.kind, info.complete, info.startedAt, self.clock.nowText(), info.source,
                    info.machinesSeen, info.actionsSeen, info.apiCalls, info.throttled, info.retries, error,
                ])
            // Failures are what sync-health reports: they are history too, chained like every run's end.
            let run = db.lastInsertedRowID
            try EventAppender(db, clock: self.clock).append(
                kind: "run_failed", subject: "run:\(run)", tenant: tenant.id, run: run,
                occurredAt: self.clock.nowText(),
                payload: .object(
                    FailedRunCheck.payload(
                        try Row.fetchOne(
                            db,
                            sql: "SELECT \(FailedRunCheck.columns.joined(separator: ", ")) FROM sync_runs WHERE id = ?",
                            arguments: [run])!)))
        }
    }

    /// How far a server clock may step back behind the latest run before a sync is refused rather than clamped.
    static let clockStepTolerance: TimeInterval = 300

    /// History is written in time order (`RunTimeOrder`). A time this tool chose — a sync's server clock, an
    /// import's local clock — that falls at most `clockStepTolerance` below the floor is moved up to it, and the
    /// run's warnings (chained in its `run_committed` event) record the clock it replaced; an explicit time is
    /// refused.
    static func checkTimeOrder(_ db: Database, tenant: TenantRecord, info: inout RunInfo) throws {
        let streams = RunTimeOrder.streams(
            kind: info.kind, complete: info.complete, machinesSeen: info.machinesSeen, actionsSeen: info.actionsSeen)
        guard let floor = try RunTimeOrder.floor(db, tenant: tenant.id, streams: streams),
            info.observedAt < floor.time
        else { return }
        let reason = RunTimeOrder.reason(info.observedAt, below: floor)
        if info.timeIsClock, let observed = UTCTime.parse(info.observedAt), let least = UTCTime.parse(floor.time),
            least.timeIntervalSince(observed) <= clockStepTolerance
        {
            info.warnings.append(
                "\(info.timeSource) said \(info.observedAt), but \(reason); recorded as \(floor.time) "
                    + "(\(Int(least.timeIntervalSince(observed))) s later)")
            info.observedAt = floor.time
            return
        }
        throw LedgerError(
            "tenant \(tenant.name): this \(info.kind) is dated \(info.observedAt), but \(reason); runs are recorded in "
                + "time order, so it needs \(floor.time) or later; check the server's or this computer's clock, "
                + "then run it again")
    }
}
