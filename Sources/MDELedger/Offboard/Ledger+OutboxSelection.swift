import Foundation
import GRDB
import MDEAPI

extension Ledger {
    /// Selects the devices of a request from the device states as of the latest committed snapshot, and says
    /// why each device considered but left out is skipped. Reads only; sends and writes nothing.
    /// - Throws: `LedgerError` for an unknown or ambiguous tenant.
    public func previewOutbox(_ request: OutboxRequest) throws -> OutboxPreview {
        try withAsOf(nil) { db in
            let tenant = try Self.resolveTenant(db, TenantSelection(name: request.tenant))
            let rows = try Row.fetchAll(
                db, sql: DeviceStateRow.selectSQL + " WHERE tenant = ? ORDER BY computer_dns_name, machine_id",
                arguments: [tenant.id]
            ).map(DeviceStateRow.init(row:))
            let byId = Dictionary(rows.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
            let history = try OutboxHistory.latest(db, tenant: tenant.id, kind: request.kind)
            let tags = request.kind == .offboard ? [:] : try Self.machineTags(db, tenant: tenant.id)
            var rules = OutboxRules(request: request, history: history, tags: tags)
            if request.kind == .offboard { rules.cancellations = try Self.cancellations(db, tenant: tenant.id) }
            let retirements = try Self.latestRetirements(db, tenant: tenant.id)
            var considered: [(PlannedDevice, DeviceStateRow?)] = []
            var skipped: [SkippedDevice] = []
            switch request.selection {
            case .retired:
                // Only the two retired states as of now: a retirement dated in the future, or a device whose
                // offboarding failed, was cancelled or is under way, is not "retired and not offboarded".
                for row in rows {
                    guard let retiredAt = row.retiredAt else { continue }
                    // A successor's retirement is its earlier id's (the lifecycle views' retired_via): that row's
                    // list and withdrawal decide.
                    let entry = retirements[row.retiredVia ?? row.id]
                    if let list = request.retiredList, let entry, !entry.isFrom(list: list) { continue }
                    func skip(_ reason: String) {
                        skipped.append(
                            SkippedDevice(
                                device: row.computerDnsName ?? row.id, id: row.id, computerDnsName: row.computerDnsName,
                                reason: reason))
                    }
                    if let entry, entry.withdrawn {
                        skip(
                            "retirement withdrawn by \(entry.withdrawnBy ?? "-") at \(entry.withdrawnAt ?? "-"): "
                                + (entry.withdrawalReason ?? ""))
                    } else if row.state == .retiredNotOffboarded || row.state == .retiredStillReporting {
                        var device = Self.planned(
                            row,
                            reason: "\(row.state.rawValue), retired \(retiredAt)"
                                + (row.retiredVia.map { " as its earlier id \($0)" } ?? ""))
                        if let entry {
                            (device.matchedBy, device.source, device.note) = (entry.matchedBy, entry.source, entry.note)
                        }
                        considered.append((device, row))
                    } else {
                        skip(
                            retiredAt > row.asOf
                                ? "retired from \(retiredAt), which is after \(row.asOf): not retired yet"
                                : rules.skipReason(row) ?? "\(row.state.rawValue): not retired-not-offboarded or "
                                    + "retired-still-reporting")
                    }
                }
            case .state(let state):
                for row in rows where row.state == state {
                    considered.append((Self.planned(row, reason: state.rawValue), row))
                }
            case .devices(let names, let source):
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
                        var device = Self.planned(row, reason: "named as \(name) (by \(match.matchedBy))")
                        (device.matchedBy, device.source) = (match.matchedBy, source)
                        considered.append((device, row))
                    } else {
                        skipped.append(
                            SkippedDevice(
                                device: name, reason: "no device matches; give an MDE device id or exact name"))
                    }
                }
            }
            var selected: [PlannedDevice] = []
            var seen: Set<String> = []
            for (var device, row) in considered where seen.insert(device.id).inserted {
                if let row, let reason = rules.skipReason(row) {
                    skipped.append(
                        SkippedDevice(
                            device: device.computerDnsName ?? device.id, id: device.id,
                            computerDnsName: device.computerDnsName, reason: reason))
                } else {
                    if row?.offboardStatus == "Cancelled", let cancelled = rules.cancellations[device.id] {
                        device.reason += "; its Offboard action \(row?.offboardActionId ?? "-") was \(cancelled.text)"
                    }
                    selected.append(device)
                }
            }
            let head = try Row.fetchOne(db, sql: "SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1")
            return OutboxPreview(
                tenant: tenant, asOf: try Self.latestSnapshotTime(db, tenant: tenant.id), selected: selected,
                skipped: skipped,
                resumablePlan: try OutboxHistory.unfinishedPlan(db, tenant: tenant.id, key: request.selectionKey),
                head: head.map { "\($0[0] as Int64):\($0[1] as String)" } ?? "0:")
        }
    }

    private static func planned(_ row: DeviceStateRow, reason: String) -> PlannedDevice {
        PlannedDevice(
            id: row.id, computerDnsName: row.computerDnsName, aadDeviceId: row.aadDeviceId, osPlatform: row.osPlatform,
            lastSeen: row.lastSeen, state: row.state.rawValue, reason: reason)
    }

    /// Who cancelled each device's latest cancelled Offboard action, by machine id.
    private static func cancellations(_ db: Database, tenant: Int64) throws -> [String: Cancellation] {
        var out: [String: Cancellation] = [:]
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT machine_id, cancellation_requestor, cancellation_comment, cancelled_at FROM machine_actions
                WHERE tenant = ? AND type = 'Offboard' AND status = 'Cancelled' ORDER BY created_at
                """, arguments: [tenant])
        for row in rows {
            out[row[0]] = Cancellation(requestor: row[1], comment: row[2], at: row[3])
        }
        return out
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
