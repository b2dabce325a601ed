import Foundation
import GRDB
import MDEAPI

/// The MDE ids of one physical device as of a time, as the view `physical_devices` folds them
/// (migrations/0011_physical_devices.sql): ids tied by a `mergedIntoMachineId` chain or a shared Entra device id.
public struct PhysicalDevice: Sendable, Hashable, Codable {
    /// Another id of the same physical device, with its own lifecycle state.
    public struct Member: Sendable, Hashable, Codable {
        public var id: String
        public var computerDnsName: String?
        public var state: DeviceState
        public var finding: Bool
        public var firstSeen: String?
        public var lastSeen: String?
        public var aadDeviceId: String?
        public var mergedIntoMachineId: String?
        /// How it is tied to the device asked about, e.g. "this id was merged into it".
        public var link: String
    }

    /// The representative id: the member merged into no other, first seen last.
    public var physicalId: String
    /// How many MDE ids the ledger knows for this physical device at the time (the device asked about included).
    public var ids: Int
    /// The other ids, the representative first, then newest first.
    public var others: [Member]
    /// The other id whose lastSeen is the latest, when it is later than the device's own and that id still counts
    /// as reporting (not offboarded, removed or past retention): where the device's telemetry went on.
    public var reportingAs: Member?
}

extension PhysicalDevice {
    /// The physical device of `device` inside `withAsOf`, or nil when the device is its only id.
    ///
    /// Reads the views for this device and then for its other ids only (`LifecycleViews.setDevices`), and leaves
    /// them limited to `device`.
    static func of(_ db: Database, tenant: Int64, device: DeviceStateRow) throws -> PhysicalDevice? {
        try LifecycleViews.setDevices(db, [device.id])
        guard
            let row = try Row.fetchOne(
                db,
                sql: "SELECT physical_id, ids, members FROM physical_devices WHERE tenant = ? AND machine_id = ?",
                arguments: [tenant, device.id]),
            (row["ids"] as Int) > 1
        else { return nil }
        let ids = try JSONDecoder().decode([String].self, from: Data((row["members"] as String).utf8))
        try LifecycleViews.setDevices(db, ids)
        defer { try? LifecycleViews.setDevices(db, [device.id]) }
        var others: [Member] = []
        for id in ids where id != device.id {
            guard
                let other = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT machine_id, computer_dns_name, state, finding, first_seen, last_seen, aad_device_id,
                               merged_into_machine_id
                        FROM device_states WHERE tenant = ? AND machine_id = ?
                        """, arguments: [tenant, id])
            else { continue }
            let stateText: String = other["state"]
            guard let state = DeviceState(rawValue: stateText) else {
                preconditionFailure("unknown state \(stateText)")
            }
            var member = Member(
                id: other["machine_id"], computerDnsName: other["computer_dns_name"], state: state,
                finding: other["finding"], firstSeen: other["first_seen"], lastSeen: other["last_seen"],
                aadDeviceId: other["aad_device_id"], mergedIntoMachineId: other["merged_into_machine_id"], link: "")
            member.link = link(from: device, to: member)
            others.append(member)
        }
        let silentStates: Set<DeviceState> = [.offboarded, .removed, .retentionExpired]
        let reportingAs =
            others
            .filter { other in
                guard let theirs = other.lastSeen.flatMap(UTCTime.parse), !silentStates.contains(other.state) else {
                    return false
                }
                return device.lastSeen.flatMap(UTCTime.parse).map { theirs > $0 } ?? true
            }
            .max { ($0.lastSeen ?? "", $0.id) < ($1.lastSeen ?? "", $1.id) }
        return PhysicalDevice(physicalId: row["physical_id"], ids: row["ids"], others: others, reportingAs: reportingAs)
    }

    /// What ties `other` to `device` directly, or that it is tied through the other ids.
    static func link(from device: DeviceStateRow, to other: Member) -> String {
        var links: [String] = []
        if other.mergedIntoMachineId?.lowercased() == device.id.lowercased() { links.append("merged into this id") }
        if device.mergedIntoMachineId?.lowercased() == other.id.lowercased() {
            links.append("this id was merged into it")
        }
        if let mine = device.aadDeviceId, let theirs = other.aadDeviceId, mine.lowercased() == theirs.lowercased() {
            links.append("same Entra device id")
        }
        return links.isEmpty ? "through the other ids" : links.joined(separator: "; ")
    }
}
