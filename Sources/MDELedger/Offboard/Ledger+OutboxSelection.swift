import Foundation
import GRDB
import MDEAPI

extension Ledger {
    /// Selects the devices of a request from the device states as of the latest committed snapshot, and says
    /// why each device considered but left out is skipped. Reads only; sends and writes nothing.
    /// - Throws: `LedgerError` for an unknown or ambiguous tenant.
    public func previewOutbox(_ request: OutboxRequest) throws -> OutboxPreview {
        try withAsOf(nil) { db in
            let tenant = try Self.resolveTenant(db, TenantSelection(name: request.tenant), create: false)
            let rows = try Row.fetchAll(
                db, sql: DeviceStateRow.selectSQL + " WHERE tenant = ? ORDER BY computer_dns_name, machine_id",
                arguments: [tenant.id]
            ).map(DeviceStateRow.init(row:))
            let byId = Dictionary(rows.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
            let history = try OutboxHistory.latest(db, tenant: tenant.id, kind: request.kind)
            let tags = request.kind == .offboard ? [:] : try Self.machineTags(db, tenant: tenant.id)
            let rules = OutboxRules(request: request, history: history, tags: tags)
            var considered: [(PlannedDevice, DeviceStateRow?)] = []
            var skipped: [SkippedDevice] = []
            switch request.selection {
            case .retired:
                for row in rows where row.retiredAt != nil {
                    considered.append(
                        (Self.planned(row, reason: "\(row.state.rawValue), retired \(row.retiredAt!)"), row))
                }
            case .state(let state):
                for row in rows where row.state == state {
                    considered.append((Self.planned(row, reason: state.rawValue), row))
                }
            case .devices(let names, _):
                for name in names {
                    let found = try DeviceLookup.candidates(db, query: name, tenant: tenant.id)
                    if found.count > 1 {
                        let ids = found.map(\.id).joined(separator: ", ")
                        skipped.append(
                            SkippedDevice(
                                device: name,
                                reason: "ambiguous name: matches \(found.count) devices (\(ids)); give an id"
                            ))
                    } else if let match = found.first, let row = byId[match.id] {
                        considered.append((Self.planned(row, reason: "named as \(name) (by \(match.matchedBy))"), row))
                    } else {
                        skipped.append(
                            SkippedDevice(
                                device: name, reason: "no device matches; give an MDE device id or exact name"))
                    }
                }
            }
            var selected: [PlannedDevice] = []
            var seen: Set<String> = []
            for (device, row) in considered where seen.insert(device.id).inserted {
                if let row, let reason = rules.skipReason(row) {
                    skipped.append(
                        SkippedDevice(
                            device: device.computerDnsName ?? device.id, id: device.id,
                            computerDnsName: device.computerDnsName, reason: reason))
                } else {
                    selected.append(device)
                }
            }
            return OutboxPreview(
                tenant: tenant, asOf: try Self.latestSnapshotTime(db, tenant: tenant.id), selected: selected,
                skipped: skipped,
                resumablePlan: try OutboxHistory.unfinishedPlan(db, tenant: tenant.id, key: request.selectionKey))
        }
    }

    private static func planned(_ row: DeviceStateRow, reason: String) -> PlannedDevice {
        PlannedDevice(
            id: row.id, computerDnsName: row.computerDnsName, osPlatform: row.osPlatform, lastSeen: row.lastSeen,
            reason: reason)
    }

    private static func machineTags(_ db: Database, tenant: Int64) throws -> [String: [String]] {
        var tags: [String: [String]] = [:]
        for row in try Row.fetchAll(
            db, sql: "SELECT id, machine_tags FROM machines WHERE tenant = ?", arguments: [tenant])
        {
            let text: String = row["machine_tags"]
            tags[row["id"]] = (try? JSONValue.parse(text))?.arrayValue?.compactMap(\.stringValue) ?? []
        }
        return tags
    }
}
