import Foundation
import GRDB
import MDEAPI

/// What a committed import did and which observation time it used.
public struct ImportOutcome: Sendable {
    public var summary: RunSummary
    public var observedAtSource: ObservedAtSource
    public var files: [ImportBatch.File]
}

/// Imports API responses or portal exports as one run of kind `import`, atomic exactly like a sync.
///
/// ```swift
/// let importer = SnapshotImporter(kind: .machines, paths: ["devices.csv"], observedAt: "2026-05-02T08:00:00Z")
/// let batch = try importer.load()                       // every file checked and staged; the ledger not touched yet
/// let outcome = try await importer.commit(batch, to: try Ledger.open(path: "l.sqlite", create: true))
/// ```
///
/// An import is partial unless `complete` is set: only a complete one marks devices it lacks as removed.
public struct SnapshotImporter: Sendable {
    public var kind: ImportKind
    public var paths: [String]
    /// `--observed-at` as typed, or nil for the files' own capture time, else now.
    public var observedAt: String?
    /// The files are the whole tenant (machines only).
    public var complete: Bool
    public var tenant: TenantSelection
    /// Commit even when a complete import would mark more than the tenant's `max_removal_percent` removed.
    public var allowMassRemoval = false
    /// Size limits for the files.
    public var limits = InputLimits.default

    public init(
        kind: ImportKind, paths: [String], observedAt: String? = nil, complete: Bool = false,
        tenant: TenantSelection = TenantSelection()
    ) {
        precondition(!complete || kind == .machines, "only a machines import can be complete")
        self.kind = kind
        self.paths = paths
        self.observedAt = observedAt
        self.complete = complete
        self.tenant = tenant
    }

    /// Reads and checks every file without touching any ledger.
    public func load() throws -> ImportBatch {
        try ImportBatch.load(kind: kind, paths: paths, limits: limits)
    }

    /// Commits a loaded batch as one run. On any error the ledger is left exactly as it was (no run is recorded).
    /// - Throws: `ImportError` for an observation time the ledger or the data contradicts; `LedgerError` for an
    ///   ambiguous or unknown tenant or a ledger another run is writing.
    /// - Parameter now: the time an import without `--observed-at` describes; nil for the ledger's clock.
    public func commit(_ batch: ImportBatch, to ledger: Ledger, now: Date? = nil) async throws -> ImportOutcome {
        let lock = try LedgerLock.acquire(ledgerPath: ledger.path, purpose: "the import")
        defer { withExtendedLifetime(lock) {} }
        let (time, source) = try observationTime(now: now ?? ledger.clock.now())
        try check(time, against: batch, in: ledger)
        var info = RunInfo(
            tenant: tenant, kind: "import", complete: complete, startedAt: ledger.clock.nowText(), observedAt: time,
            source: batch.source, machinesSeen: batch.machineCount, actionsSeen: batch.actionCount)
        info.allowMassRemoval = allowMassRemoval
        info.timeIsClock = source == .clock
        info.timeSource = "this computer's clock"
        let staging = Staging(dbQueue: ledger.dbQueue)
        do {
            try await staging.reset()
            // The batch holds each id once already (it refused differing copies, naming both places).
            try await staging.copy(from: batch.staging)
            let summary = try await ledger.commitStaged(info)
            await staging.drop()
            return ImportOutcome(summary: summary, observedAtSource: source, files: batch.files)
        } catch {
            await staging.drop()
            // The refusal is part of the record (an auditor sees the import was tried); other errors are bad input.
            if error is MassRemovalRefused { await ledger.recordFailedRun(info, error: String(describing: error)) }
            throw error
        }
    }

    private func observationTime(now: Date) throws -> (String, ObservedAtSource) {
        if let observedAt { return (try ObservedAt.parse(observedAt, now: now), .option) }
        return (UTCTime.format(now), .clock)
    }

    /// The observation time must not precede the data in the files, nor the tenant's latest run: change
    /// detection compares a run with the current state, so history has to arrive in order.
    private func check(_ time: String, against batch: ImportBatch, in ledger: Ledger) throws {
        if let latest = batch.latestDataTime, let data = UTCTime.parse(latest.time), let observed = UTCTime.parse(time),
            data.timeIntervalSince(observed) > ObservedAt.allowedSkew
        {
            let fix =
                observedAt == nil
                ? "the file's times are in the future; check the file and this computer's clock"
                : "pass the time the file was captured, e.g. --observed-at \(latest.time)"
            throw ImportError("\(latest.location) has a time \(latest.time) after the observation time \(time); \(fix)")
        }
        try ledger.dbQueue.read { db in
            let all = try Ledger.tenants(db)
            let record: TenantRecord?
            if let name = tenant.name {
                record = all.first { $0.name == name }
                // A first import names the ledger's first tenant; later, a name it does not know is a typo more
                // often than a new tenant, so new tenants are added explicitly.
                if record == nil && !all.isEmpty {
                    throw ImportError(
                        "unknown tenant '\(name)'; known: \(all.map(\.name).joined(separator: ", ")); "
                            + "add it first with 'mde-ledger tenant add \(name)'")
                }
            } else if all.count > 1 {
                _ = try Ledger.resolveTenant(db, tenant)  // throws the message listing the tenants
                return
            } else {
                record = all.first
            }
            guard let record else { return }
            // A time taken from the clock is moved up at commit if it must be (`checkTimeOrder`); a typed one
            // is refused here, with the time it would need.
            guard observedAt != nil,
                let floor = try RunTimeOrder.floor(
                    db, tenant: record.id,
                    streams: RunTimeOrder.streams(
                        kind: "import", complete: complete, machinesSeen: batch.machineCount,
                        actionsSeen: batch.actionCount)),
                time < floor.time
            else { return }
            throw ImportError(
                "tenant \(record.name): this import is dated \(time), but \(RunTimeOrder.reason(time, below: floor)); "
                    + "import files in the order they were captured (older files into a new ledger first), each "
                    + "with a later --observed-at (here \(floor.time) or later)")
        }
    }
}
