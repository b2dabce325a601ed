import Foundation
import GRDB
import MDEAPI

/// The checks that stand between a plan and the offboard requests it would send: a fresh snapshot, and for an
/// approved plan file, that the ledger and the devices are still what the approver saw.
public enum PlanApproval {
    /// Refuses a plan read from a snapshot taken (by the local clock) more than `maxHours` before `now`: devices
    /// are renamed, re-imaged and offboarded by others every day. `maxHours` 0 turns the check off.
    public static func checkSnapshotAge(
        _ ledger: Ledger, tenant: TenantRecord, maxHours: Double
    ) throws {
        guard maxHours > 0 else { return }
        let now = ledger.clock.now()
        let taken = try ledger.dbQueue.read { db in
            try Row.fetchOne(
                db,
                sql: """
                    SELECT occurred_at, recorded_at FROM events
                    WHERE tenant = ? AND kind = 'run_committed' AND payload ->> '$.retirements' IS NULL
                    ORDER BY seq DESC LIMIT 1
                    """, arguments: [tenant.id])
        }
        guard let taken else {
            throw PlanRefusal("tenant \(tenant.name) has no snapshot yet; run 'mde-ledger sync' first")
        }
        let recorded: String = taken[1]
        guard let at = UTCTime.parse(recorded) else { return }
        let hours = now.timeIntervalSince(at) / 3600
        if hours > maxHours {
            throw PlanRefusal(
                "the latest snapshot of tenant \(tenant.name) (as of \(taken[0] as String), taken \(recorded)) is "
                    + "\(Int(hours)) h old, more than \(Self.number(maxHours)) h; run 'mde-ledger sync' first "
                    + "(or set --max-snapshot-age)")
        }
    }

    /// Refuses an approved plan that no longer describes what would be sent: its head is not in this ledger's
    /// chain, it is older than `maxAgeHours`, or the devices or their states changed since it was made.
    public static func check(
        _ document: PlanDocument, against preview: OutboxPreview, ledger: Ledger, maxAgeHours: Double
    ) throws {
        try checkHead(document.head, ledger: ledger)
        let now = ledger.clock.now()
        if maxAgeHours > 0, let created = UTCTime.parse(document.createdAt) {
            let hours = now.timeIntervalSince(created) / 3600
            if hours > maxAgeHours {
                throw PlanRefusal(
                    "the plan was made at \(document.createdAt), \(Int(hours)) h ago, more than "
                        + "\(Self.number(maxAgeHours)) h; make and approve a new plan (or set --max-plan-age)")
            }
        }
        var problems: [String] = []
        let selectedNow = Dictionary(preview.selected.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        for device in document.devices {
            guard let current = selectedNow[device.id] else {
                let skip = preview.skipped.first { $0.id == device.id }?.reason ?? "no longer selected"
                problems.append("\(device.id) (\(device.computerDnsName ?? "-")): \(skip)")
                continue
            }
            if current.state != device.state {
                problems.append(
                    "\(device.id) (\(device.computerDnsName ?? "-")): state is now \(current.state ?? "-"), the plan "
                        + "shows \(device.state ?? "-")")
            } else if current.computerDnsName != device.computerDnsName || current.osPlatform != device.osPlatform {
                problems.append(
                    "\(device.id): now \(current.computerDnsName ?? "-") (\(current.osPlatform ?? "-")), the plan shows "
                        + "\(device.computerDnsName ?? "-") (\(device.osPlatform ?? "-"))")
            }
        }
        let planned = Set(document.devices.map(\.id))
        for extra in preview.selected where !planned.contains(extra.id) {
            problems.append("\(extra.id) (\(extra.computerDnsName ?? "-")): selected now but not in the plan")
        }
        if !problems.isEmpty {
            let shown = problems.prefix(20).map { "  " + ErrorText.escaped($0) }.joined(separator: "\n")
            throw PlanRefusal(
                "the plan no longer matches the ledger (\(problems.count) device(s) changed since it was made); "
                    + "nothing was sent. Make and approve a new plan:\n\(shown)"
                    + (problems.count > 20 ? "\n  … \(problems.count - 20) more" : ""))
        }
    }

    /// The plan's head must be an event of this ledger with the same hash: the ledger it was computed from.
    public static func checkHead(_ head: String, ledger: Ledger) throws {
        let parts = head.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2, let seq = Int64(parts[0]) else {
            throw PlanRefusal("the plan's head \(ErrorText.quoted(head)) is not SEQ:HASH")
        }
        let hash = try ledger.dbQueue.read { db in
            try String.fetchOne(db, sql: "SELECT hash FROM events WHERE seq = ?", arguments: [seq])
        }
        guard hash == parts[1] else {
            throw PlanRefusal(
                "the plan was computed from ledger head \(head), which is not in this ledger's chain "
                    + "(another ledger, or its history was rewritten); make the plan from this ledger")
        }
    }

    private static func number(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }
}

extension DeviceSelection {
    /// The selection a plan document stores (`OutboxRequest.selectionJSON`).
    public init?(json: JSONValue) {
        switch json["by"]?.stringValue {
        case "retired": self = .retired
        case "state":
            guard let state = json["state"]?.stringValue.flatMap(DeviceState.init(rawValue:)) else { return nil }
            self = .state(state)
        case "devices":
            guard let list = json["devices"]?.arrayValue?.compactMap(\.stringValue) else { return nil }
            self = .devices(list, source: json["source"]?.stringValue ?? "plan file")
        default: return nil
        }
    }
}
