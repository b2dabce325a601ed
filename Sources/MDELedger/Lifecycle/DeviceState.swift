import Foundation

/// A device's lifecycle state as of a time (design.md, "Lifecycle states"), in rule order.
public enum DeviceState: String, Sendable, Hashable, Codable, CaseIterable {
    case removed
    case retentionExpired = "retention-expired"
    case offboardFailed = "offboard-failed"
    case offboardPending = "offboard-pending"
    case offboardedStillReporting = "offboarded-still-reporting"
    case offboardConfirming = "offboard-confirming"
    case offboarded
    case retiredStillReporting = "retired-still-reporting"
    case retiredNotOffboarded = "retired-not-offboarded"
    case notOnboarded = "not-onboarded"
    case inactive
    case stale
    case active

    /// The event a transition into this state appends, when it has a name of its own.
    public var transitionEvent: String {
        switch self {
        case .stale: "went_stale"
        case .inactive: "went_inactive"
        case .offboarded: "offboard_confirmed"
        case .offboardedStillReporting: "telemetry_after_offboard"
        case .retiredStillReporting: "telemetry_after_retirement"
        case .retentionExpired: "retention_expired"
        case .offboardFailed: "offboard_failed"
        default: "state_changed"
        }
    }
}

/// A state and whether it is an audit finding.
public struct DeviceVerdict: Sendable, Hashable, Codable {
    public var state: DeviceState
    public var finding: Bool

    public init(_ state: DeviceState, finding: Bool) {
        self.state = state
        self.finding = finding
    }
}

/// What the ledger knew about one device at a time T: the inputs of the lifecycle rules.
public struct DeviceFacts: Sendable, Hashable {
    /// The latest observation at or before T is an absence from a complete snapshot.
    public var removedFromSnapshot = false
    /// `L`: lastSeen in the latest observation at or before T.
    public var lastSeen: Date?
    public var onboardingStatus: String?
    /// `R` and the status last observed at or before T, of the latest Offboard action created by T.
    public var offboardRequestedAt: Date?
    public var offboardStatus: String?
    /// `D`: the retirement time.
    public var retiredAt: Date?

    public init(
        removedFromSnapshot: Bool = false, lastSeen: Date? = nil, onboardingStatus: String? = "Onboarded",
        offboardRequestedAt: Date? = nil, offboardStatus: String? = nil, retiredAt: Date? = nil
    ) {
        self.removedFromSnapshot = removedFromSnapshot
        self.lastSeen = lastSeen
        self.onboardingStatus = onboardingStatus
        self.offboardRequestedAt = offboardRequestedAt
        self.offboardStatus = offboardStatus
        self.retiredAt = retiredAt
    }
}
