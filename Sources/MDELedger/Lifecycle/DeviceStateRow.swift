import Foundation
import GRDB

/// One row of the `device_states` view: a device, its state as of T, and the facts behind it.
///
/// JSON uses the MDE API's field names where one exists (`id`, `computerDnsName`, `lastSeen`, …).
public struct DeviceStateRow: Sendable, Hashable, Codable {
    public var tenant: String
    public var id: String
    public var computerDnsName: String?
    public var aadDeviceId: String?
    public var osPlatform: String?
    public var onboardingStatus: String?
    public var healthStatus: String?
    public var state: DeviceState
    public var finding: Bool
    public var lastSeen: String?
    public var asOf: String
    public var offboardActionId: String?
    public var offboardRequestedAt: String?
    public var offboardRequestor: String?
    public var offboardStatus: String?
    public var retiredAt: String?
    /// The earlier id of the same physical device whose retirement this device inherits, when it has none of its
    /// own (it is that id's successor: merged from it, or first seen later with its Entra device id).
    public var retiredVia: String?
    /// The id MDE merged this one into (`mergedIntoMachineId`), if any.
    public var mergedIntoMachineId: String?
    /// How the device is offboarded: `api` (Windows), `script` (macOS, Linux), `mobile`, `other`.
    public var offboardRoute: String?
    /// For a finding, what to do next on that route (the view's `next_step`); nil otherwise.
    public var nextStep: String?
    /// The exception in force for this finding (`exception N until DAY, approved by …: reason`); the finding is
    /// then not counted (`finding` is false).
    public var exceptionNote: String?
    /// The thresholds in force at `asOf` that the state was judged by.
    public var policy: LifecyclePolicy

    static let selectSQL = """
        SELECT tenant_name, machine_id, computer_dns_name, aad_device_id, os_platform, onboarding_status,
               health_status, state, finding, last_seen, as_of, offboard_action, offboard_requested_at,
               offboard_requestor, offboard_status, retired_at,
               offboard_grace_hours, stale_hours, inactive_days, retention_days, removal_days, retired_via,
               merged_into_machine_id, offboard_route, next_step, exception_note
        FROM device_states
        """

    /// The same row for one device (add `WHERE tenant = ? AND machine_id = ?`), reading only that device.

    init(row: Row) {
        tenant = row[0]
        id = row[1]
        computerDnsName = row[2]
        aadDeviceId = row[3]
        osPlatform = row[4]
        onboardingStatus = row[5]
        healthStatus = row[6]
        let stateText: String = row[7]
        // The view and DeviceState list the same names; a mismatch is a programming error caught by tests.
        guard let parsed = DeviceState(rawValue: stateText) else { preconditionFailure("unknown state \(stateText)") }
        state = parsed
        finding = row[8]
        lastSeen = row[9]
        asOf = row[10]
        offboardActionId = row[11]
        offboardRequestedAt = row[12]
        offboardRequestor = row[13]
        offboardStatus = row[14]
        retiredAt = row[15]
        policy = LifecyclePolicy()
        policy.offboardGraceHours = row[16]
        policy.staleHours = row[17]
        policy.inactiveDays = row[18]
        policy.retentionDays = row[19]
        policy.removalDays = row[20]
        retiredVia = row[21]
        mergedIntoMachineId = row[22]
        offboardRoute = row[23]
        nextStep = row[24]
        exceptionNote = row[25]
    }
}
