import Foundation
import Logging
import MDEAPI

/// Progress of a running sync, for a terminal progress line or log lines.
public enum SyncProgress: Sendable {
    case fetched(resource: String, items: Int, pages: Int)
    case committing
    /// A wait the run cannot avoid, such as a rate limit ("waiting 37 s (rate limit)").
    case waiting(String)
}

/// One sync run: fetch the complete snapshot from the MDE API, then commit it in one transaction.
///
/// Machines are always read in full: a complete list is the only way to see devices leave it. Machine
/// actions are read incrementally (see `ActionSyncPlan`).
///
/// ```swift
/// let engine = SyncEngine(ledger: ledger, client: client, tenant: TenantSelection(name: nil))
/// let summary = try await engine.run()
/// ```
public struct SyncEngine: Sendable {
    public var ledger: Ledger
    public var client: MDEClient
    public var tenant: TenantSelection
    /// Shown in the run log (`sync_runs.source`): the API base URL.
    public var source: String
    /// `$top` of each page request; the API's maximum, 10,000, keeps the number of calls lowest.
    public var pageSize = 10_000
    /// Commit even when the snapshot would mark more than the tenant's `max_removal_percent` of devices removed.
    public var allowMassRemoval = false
    public var logger: Logger
    /// Called at each `SyncCheckpoint`; tests use it to stop or hold the process at exact points.
    public var checkpoint: @Sendable (SyncCheckpoint) -> Void = { _ in }

    public init(
        ledger: Ledger, client: MDEClient, tenant: TenantSelection, source: String = "",
        logger: Logger = Logger(label: "mde-ledger.sync")
    ) {
        self.ledger = ledger
        self.client = client
        self.tenant = tenant
        self.source = source
        self.logger = logger
    }

    /// Runs the sync. On any failure the ledger keeps its previous committed run, the failure is recorded
    /// in `sync_runs`, and the error is rethrown.
    /// - Parameter held: the ledger's lock when the caller took it already (before opening the ledger, so a
    ///   second run is refused before it touches the file); otherwise the run takes it.
    public func run(
        holding held: LedgerLock? = nil, progress: @escaping @Sendable (SyncProgress) -> Void = { _ in }
    ) async throws -> RunSummary {
        let lock = try held ?? LedgerLock.acquire(ledgerPath: ledger.path, purpose: "sync")
        defer { withExtendedLifetime(lock) {} }
        checkpoint(.locked)
        // Fail on an ambiguous tenant before any API call rather than after fetching everything.
        if try tenant.name == nil && ledger.tenants().count > 1 {
            _ = try ledger.resolveTenant(tenant, create: false)
        }
        var info = RunInfo(
            tenant: tenant, kind: "sync", complete: true, startedAt: ledger.clock.nowText(),
            observedAt: ledger.clock.nowText(), source: source)
        info.allowMassRemoval = allowMassRemoval
        info.credential = client.credentialKind.rawValue
        let staging = Staging(dbQueue: ledger.dbQueue)
        do {
            try await staging.reset()
            try await fetch(into: staging, info: &info, progress: progress)
            progress(.committing)
            let summary = try await ledger.commitStaged(info) { [checkpoint] in checkpoint(.inCommit) }
            checkpoint(.committed)
            await staging.drop()
            return summary
        } catch {
            await staging.drop()
            let stats = client.statistics()
            info.apiCalls = stats.calls
            info.throttled = stats.throttled
            info.retries = stats.retries
            await ledger.recordFailedRun(info, error: String(describing: error))
            throw error
        }
    }

    private func fetch(
        into staging: Staging, info: inout RunInfo, progress: @escaping @Sendable (SyncProgress) -> Void
    ) async throws {
        var firstDate: Date?
        var pages = 0
        var machineDuplicates = StagingDuplicates()
        var actionDuplicates = StagingDuplicates()
        for try await page in client.machines(pageSize: pageSize) {
            if firstDate == nil { firstDate = page.serverDate ?? ledger.clock.now() }
            machineDuplicates.merge(try await staging.add(machines: page.items, rawTexts: page.rawTexts))
            info.machinesSeen += page.items.count
            pages += 1
            progress(.fetched(resource: "machines", items: info.machinesSeen, pages: pages))
        }
        // The snapshot describes the moment the service answered the first page: lastSeen values in it
        // are at or before that time, which is what every as-of answer compares against.
        info.observedAt = UTCTime.format(firstDate ?? ledger.clock.now())
        pages = 0
        let plan = try ledger.actionSyncPlan(tenant: tenant)
        for try await page in client.machineActions(filter: plan.filter, pageSize: pageSize) {
            actionDuplicates.merge(try await staging.add(actions: page.items, rawTexts: page.rawTexts))
            info.actionsSeen += page.items.count
            pages += 1
            progress(.fetched(resource: "machine actions", items: info.actionsSeen, pages: pages))
        }
        for id in plan.reread {
            do {
                actionDuplicates.merge(try await staging.add(actions: [try await client.machineAction(id: id)]))
                info.actionsSeen += 1
            } catch let error as MDEAPIError where error.status == 404 {
                // One vanished action must not block every future sync; its last known status stays on record.
                info.warnings.append("machine action \(id) is no longer returned by the API; kept its last status")
            }
        }
        // Each device and action counts once, however many pages listed it.
        info.machinesSeen -= machineDuplicates.identical + machineDuplicates.differing.count
        info.actionsSeen -= actionDuplicates.identical + actionDuplicates.differing.count
        info.warnings += [machineDuplicates.warning("machines"), actionDuplicates.warning("machine actions")]
            .compactMap { $0 }
        let stats = client.statistics()
        info.apiCalls = stats.calls
        info.throttled = stats.throttled
        info.retries = stats.retries
    }
}
