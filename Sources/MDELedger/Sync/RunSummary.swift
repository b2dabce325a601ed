import Foundation

/// What a committed sync or import did.
public struct RunSummary: Sendable, Hashable, Codable {
    public var run: Int64
    public var kind: String
    public var tenant: String
    /// The time the snapshot describes (the API's `Date` header, or an import's capture time).
    public var observedAt: String
    public var complete: Bool
    public var machinesSeen = 0
    public var actionsSeen = 0
    /// Machine history rows: full observations plus lastSeen-only sightings.
    public var observationsWritten = 0
    /// Of `observationsWritten`, the narrow rows of devices whose only change was lastSeen.
    public var sightingsWritten = 0
    public var actionObservationsWritten = 0
    public var eventsWritten = 0
    public var discovered = 0
    public var changed = 0
    public var removed = 0
    public var reappeared = 0
    public var actionsNew = 0
    public var actionStatusChanges = 0
    /// Lifecycle transitions this run appended as events (`went_stale`, `telemetry_after_offboard`, …).
    public var lifecycleTransitions = 0
    public var apiCalls = 0
    public var throttled = 0
    public var retries = 0
    public var warnings: [String] = []
}

/// The facts about a run that are known before its commit.
struct RunInfo: Sendable {
    var tenant: TenantSelection
    var kind: String
    var complete: Bool
    var startedAt: String
    var observedAt: String
    var source: String
    var machinesSeen = 0
    var actionsSeen = 0
    var apiCalls = 0
    var throttled = 0
    var retries = 0
    var warnings: [String] = []
    /// `--allow-mass-removal`: skip the safety valve of `MassRemovalCheck`.
    var allowMassRemoval = false
    /// `observedAt` came from a clock (the server's `Date`, or this computer's for an import without
    /// `--observed-at`), so a step back of a few seconds is moved up rather than refused (`checkTimeOrder`).
    var timeIsClock = true
    /// How the app authenticated (`secret`, `workload-identity`; never the material), recorded in the run's
    /// `run_committed` event; nil for imports.
    var credential: String?
    /// Where `observedAt` came from, for the warning that records a moved time.
    var timeSource = "the server's clock"
}
