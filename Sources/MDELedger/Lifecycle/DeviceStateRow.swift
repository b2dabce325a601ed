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

    /// The `device_states` columns this record reads: one list for its SELECT and its decoder.
    enum Columns {
        static let tenant = Column("tenant_name")
        static let id = Column("machine_id")
        static let computerDnsName = Column("computer_dns_name")
        static let aadDeviceId = Column("aad_device_id")
        static let osPlatform = Column("os_platform")
        static let onboardingStatus = Column("onboarding_status")
        static let healthStatus = Column("health_status")
        static let state = Column("state")
        static let finding = Column("finding")
        static let lastSeen = Column("last_seen")
        static let asOf = Column("as_of")
        static let offboardActionId = Column("offboard_action")
        static let offboardRequestedAt = Column("offboard_requested_at")
        static let offboardRequestor = Column("offboard_requestor")
        static let offboardStatus = Column("offboard_status")
        static let retiredAt = Column("retired_at")
        /// The thresholds, read by `LifecyclePolicy(row:)`.
        static let policy = [
            "offboard_grace_hours", "stale_hours", "inactive_days", "retention_days", "removal_days",
        ].map { Column($0) }
        static let retiredVia = Column("retired_via")
        static let mergedIntoMachineId = Column("merged_into_machine_id")
        static let offboardRoute = Column("offboard_route")
        static let nextStep = Column("next_step")
        static let exceptionNote = Column("exception_note")

        static let all =
            [
                tenant, id, computerDnsName, aadDeviceId, osPlatform, onboardingStatus, healthStatus, state, finding,
                lastSeen, asOf, offboardActionId, offboardRequestedAt, offboardRequestor, offboardStatus, retiredAt,
            ] + policy + [retiredVia, mergedIntoMachineId, offboardRoute, nextStep, exceptionNote]
    }

    /// Every device's row; add a `WHERE` (and set `LifecycleViews.setDevices` for one device's row).
    static let selectSQL = "SELECT " + Columns.all.map(\.name).joined(separator: ", ") + " FROM device_states"

    /// Where each column sits in `selectSQL`'s rows. Decoding by position is what makes a list of a million rows
    /// cheap (GRDB folds the case of every name it looks up, a quarter of `devices --format csv` at 200,000 rows),
    /// and it stays right because the SELECT is built from the same list.
    private static let position = Dictionary(uniqueKeysWithValues: Columns.all.enumerated().map { ($1.name, $0) })

    /// Decodes a row of `selectSQL` (with any `WHERE` or `ORDER BY`; never another column list).
    init(row: Row) {
        precondition(row.count == Columns.all.count, "DeviceStateRow decodes rows of its own selectSQL only")
        func at(_ column: Column) -> Int { Self.position[column.name]! }
        tenant = row[at(Columns.tenant)]
        id = row[at(Columns.id)]
        computerDnsName = row[at(Columns.computerDnsName)]
        aadDeviceId = row[at(Columns.aadDeviceId)]
        osPlatform = row[at(Columns.osPlatform)]
        onboardingStatus = row[at(Columns.onboardingStatus)]
        healthStatus = row[at(Columns.healthStatus)]
        let stateText: String = row[at(Columns.state)]
        // The view and DeviceState list the same names; a mismatch is a programming error caught by tests.
        guard let parsed = DeviceState(rawValue: stateText) else { preconditionFailure("unknown state \(stateText)") }
        state = parsed
        finding = row[at(Columns.finding)]
        lastSeen = row[at(Columns.lastSeen)]
        asOf = row[at(Columns.asOf)]
        offboardActionId = row[at(Columns.offboardActionId)]
        offboardRequestedAt = row[at(Columns.offboardRequestedAt)]
        offboardRequestor = row[at(Columns.offboardRequestor)]
        offboardStatus = row[at(Columns.offboardStatus)]
        retiredAt = row[at(Columns.retiredAt)]
        policy = LifecyclePolicy()
        policy.offboardGraceHours = row[at(Columns.policy[0])]
        policy.staleHours = row[at(Columns.policy[1])]
        policy.inactiveDays = row[at(Columns.policy[2])]
        policy.retentionDays = row[at(Columns.policy[3])]
        policy.removalDays = row[at(Columns.policy[4])]
        retiredVia = row[at(Columns.retiredVia)]
        mergedIntoMachineId = row[at(Columns.mergedIntoMachineId)]
        offboardRoute = row[at(Columns.offboardRoute)]
        nextStep = row[at(Columns.nextStep)]
        exceptionNote = row[at(Columns.exceptionNote)]
    }
}
