import Foundation
import Logging
import MDEAPI

/// Progress of a running plan, for a progress line.
public enum OutboxProgress: Sendable {
    /// `done` of `total` devices have an answer (or were reconciled) in this run.
    case device(done: Int, total: Int)
    /// A wait the run cannot avoid, such as the rate limit.
    case waiting(String)
}

/// Sends a plan's requests through the outbox: every step is committed before the next network call, so a run
/// killed at any moment resumes where it stopped and never sends a device a second offboard request.
///
/// ```swift
/// let engine = OutboxEngine(ledger: ledger, client: client)
/// let preview = try ledger.previewOutbox(request)        // show it, ask for confirmation
/// let summary = try await engine.run(request, preview: preview, holding: lock)
/// ```
public struct OutboxEngine: Sendable {
    public var ledger: Ledger
    public var client: MDEClient
    public var logger: Logger
    /// Called after every committed step and every answer received; tests use it to stop the process at
    /// exact points (`MDE_LEDGER_TEST_KILL_AFTER`).
    public var checkpoint: @Sendable () -> Void = {}
    /// Accepted offboard actions are written into the ledger's machine actions in runs of at most this many.
    public var commitEvery = 100

    public init(ledger: Ledger, client: MDEClient, logger: Logger = Logger(label: "mde-ledger.outbox")) {
        self.ledger = ledger
        self.client = client
        self.logger = logger
    }

    /// Resumes the unfinished plan with the same selection, or creates a plan from `preview`, then sends every
    /// request still open. Actions and machines the API returns are committed as small incomplete runs, so the
    /// lifecycle shows them at once (`offboard-pending`).
    /// - Parameter approved: the plan file an admin approved (`--plan`), kept with the plan.
    /// - Returns: nil when there is nothing to send and no plan to resume (nothing is written then).
    public func run(
        _ request: OutboxRequest, preview: OutboxPreview, holding held: LedgerLock? = nil,
        approved: PlanDocument? = nil, progress: @escaping @Sendable (OutboxProgress) -> Void = { _ in }
    ) async throws -> OutboxRunSummary? {
        let lock = try held ?? LedgerLock.acquire(ledgerPath: ledger.path, purpose: request.kind.rawValue)
        defer { withExtendedLifetime(lock) {} }
        client.setWaitObserver { progress(.waiting($0)) }
        try await commitUnrecordedActions(tenant: preview.tenant)
        let plan: OutboxPlan
        if let id = preview.resumablePlan {
            plan = try ledger.outboxPlan(id)
        } else if !preview.selected.isEmpty {
            plan = try ledger.createPlan(request, preview, document: approved)
            checkpoint()
        } else {
            return nil
        }
        let open = try ledger.outboxSteps(plan.id).filter(\.step.isOpen)
        var run = OutboxRun(plan: plan, total: open.count, progress: progress)
        do {
            switch plan.kind {
            case .offboard: try await offboard(open, &run)
            case .tagAdd, .tagRemove: try await tag(open, &run)
            }
        } catch {
            try? await commitActions(&run)
            throw error
        }
        try await commitActions(&run)
        let stats = client.statistics()
        return OutboxRunSummary(
            plan: plan, resumed: preview.resumablePlan != nil, sentThisRun: run.sent,
            devices: try ledger.outboxSteps(plan.id), skipped: preview.resumablePlan == nil ? preview.skipped : [],
            snapshotRuns: run.snapshotRuns, apiCalls: stats.calls, throttled: stats.throttled)
    }
}

/// What one run of a plan has done so far.
struct OutboxRun {
    let plan: OutboxPlan
    let total: Int
    let progress: @Sendable (OutboxProgress) -> Void
    var done = 0
    var sent = 0
    /// Accepted actions not yet written into the ledger's machine actions.
    var pendingActions: [MachineAction] = []
    var snapshotRuns: [Int64] = []

    mutating func advance(by count: Int = 1) {
        done += count
        progress(.device(done: done, total: total))
    }
}

/// What a run of a plan did, and where each of the plan's devices stands now.
public struct OutboxRunSummary: Sendable {
    public var plan: OutboxPlan
    /// The plan existed already (an earlier run was interrupted).
    public var resumed: Bool
    /// Requests sent by this run.
    public var sentThisRun: Int
    /// Every device of the plan with its latest step.
    public var devices: [OutboxDeviceStep]
    public var skipped: [SkippedDevice]
    /// The incomplete runs that wrote the returned actions or machines into the ledger.
    public var snapshotRuns: [Int64]
    public var apiCalls: Int
    public var throttled: Int
}
