import Foundation
import MDEAPI

/// What a plan asks the API to do for each of its devices.
public enum OutboxKind: String, Sendable, Hashable, Codable {
    case offboard
    case tagAdd = "tag-add"
    case tagRemove = "tag-remove"
}

/// A device's step in a plan (`outbox_steps.step`); its latest step is where it stands.
public enum OutboxStep: String, Sendable, Hashable, Codable, CaseIterable {
    /// Selected; nothing sent yet.
    case planned
    /// The request is about to leave (committed before the call): its answer may have been lost.
    case sent
    /// The API accepted it (offboard: with the action id).
    case accepted
    /// The API answered that an Offboard action is already in progress: counts as requested.
    case alreadyRequested = "already-requested"
    /// The API refused it (status, error code, message); not retried.
    case rejected
    /// Not processed by the API (throttled, unauthorised, or no answer and no action listed): sent on a rerun.
    case deferred

    /// Still to be sent (or reconciled) by a rerun of the plan.
    public var isOpen: Bool { self == .planned || self == .sent || self == .deferred }
}

/// How the devices of a plan are chosen.
public enum DeviceSelection: Sendable, Hashable {
    /// Devices in `retired-not-offboarded` or `retired-still-reporting` as of the latest sync.
    case retired
    /// Devices in one lifecycle state as of the latest sync.
    case state(DeviceState)
    /// Ids or exact names, from the command line or a file (`source` names where they came from).
    case devices([String], source: String)

    /// The canonical description stored with the plan and hashed into its key.
    var json: JSONValue {
        switch self {
        case .retired: return .object(["by": .string("retired")])
        case .state(let state): return .object(["by": .string("state"), "state": .string(state.rawValue)])
        case .devices(let list, let source):
            return .object([
                "by": .string("devices"), "source": .string(source), "devices": .array(list.map { .string($0) }),
            ])
        }
    }
}
