import Foundation
import GRDB

/// Gathers the dated history of one device up to a time, for `status`.
enum DeviceEvidence {
    /// - Parameters:
    ///   - retiredVia: the earlier id whose retirement the device inherits (`DeviceStateRow.retiredVia`).
    ///   - aadDeviceId: the device's Entra device id, to show what Intune and Entra said about it.
    static func collect(
        _ db: Database, tenant: Int64, machine: String, asOf: String, retiredVia: String? = nil,
        aadDeviceId: String? = nil
    ) throws -> [DeviceStatus.Evidence] {
        var out: [DeviceStatus.Evidence] = []
        try SourceEvidence.collect(db, tenant: tenant, aadDeviceId: aadDeviceId, asOf: asOf, into: &out)
        try observations(db, tenant: tenant, machine: machine, asOf: asOf, into: &out)
        try actions(db, tenant: tenant, machine: machine, asOf: asOf, into: &out)
        try OutboxEvidence.collect(db, tenant: tenant, machine: machine, asOf: asOf, into: &out)
        try ExceptionEvidence.collect(db, tenant: tenant, machine: machine, asOf: asOf, into: &out)
        // The device's own retirements, then (for a successor) the earlier id's latest, which the views take.
        let retirements = """
            SELECT retired_at, note, source, imported_at, matched_by FROM retirements
            WHERE tenant = ? AND machine_id = ? AND run <= (SELECT known_run FROM lifecycle_knowledge)
            ORDER BY seq
            """
        func retired(_ row: Row, as prefix: String, _ suffix: String = "") -> DeviceStatus.Evidence {
            let note: String? = row["note"]
            return .init(
                time: row["retired_at"], kind: "retired",
                detail:
                    "\(prefix) per \(row["source"] as String) (imported \(row["imported_at"] as String), matched by "
                    + "\(row["matched_by"] as String))\(suffix)" + (note.map { ": \($0)" } ?? ""))
        }
        for row in try Row.fetchAll(db, sql: retirements, arguments: [tenant, machine]) {
            out.append(retired(row, as: "retired"))
        }
        if let origin = retiredVia, let row = try Row.fetchAll(db, sql: retirements, arguments: [tenant, origin]).last {
            out.append(
                retired(
                    row, as: "retired as its earlier id \(origin)",
                    "; a retirement covers the id's successors (merged into, or first seen later with the same Entra "
                        + "device id)"))
        }
        for row in try Row.fetchAll(
            db,
            sql: """
                SELECT withdrawn_at, withdrawn_by, reason FROM retirement_withdrawals
                WHERE tenant = ? AND machine_id = ? AND run <= (SELECT known_run FROM lifecycle_knowledge) ORDER BY seq
                """, arguments: [tenant, machine])
        {
            // The local clock: shown whatever the snapshot's time, like the outbox's own steps.
            out.append(
                .init(
                    time: row["withdrawn_at"], kind: "retirement withdrawn",
                    detail: "retirement withdrawn by \(row["withdrawn_by"] as String): \(row["reason"] as String) "
                        + "[local clock]"))
        }
        // Stable order: by time, then the order the facts were gathered in.
        return out.enumerated().sorted { ($0.element.time, $0.offset) < ($1.element.time, $1.offset) }.map(\.element)
    }

    private static func observations(
        _ db: Database, tenant: Int64, machine: String, asOf: String, into out: inout [DeviceStatus.Evidence]
    ) throws {
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT observed_at, present, computer_dns_name, health_status, onboarding_status, last_seen,
                       first_seen, machine_tags, os_platform, run
                FROM machine_history WHERE tenant = ? AND machine_id = ? AND observed_at <= ?
                  AND run <= (SELECT known_run FROM lifecycle_knowledge)
                ORDER BY run
                """, arguments: [tenant, machine, asOf])
        var previous: Row?
        for row in rows {
            let observedAt: String = row["observed_at"]
            guard let before = previous else {
                if let firstSeen: String = row["first_seen"] {
                    out.append(.init(time: firstSeen, kind: "first_seen", detail: "first seen by MDE"))
                }
                out.append(
                    .init(
                        time: observedAt, kind: "observed",
                        detail: "first observed by the ledger (run \(row["run"] as Int64)): "
                            + "\(row["computer_dns_name"] as String? ?? "-"), \(row["os_platform"] as String? ?? "-"), "
                            + "health \(row["health_status"] as String? ?? "-"), "
                            + "onboarding \(row["onboarding_status"] as String? ?? "-"), "
                            + "lastSeen \(row["last_seen"] as String? ?? "-")"))
                previous = row
                continue
            }
            if (row["present"] as Int) == 0 {
                out.append(
                    .init(
                        time: observedAt, kind: "removed", detail: "no longer listed in a complete snapshot"))
            } else {
                var changes: [String] = []
                if (before["present"] as Int) == 0 { changes.append("listed again") }
                for (column, label) in [
                    ("last_seen", "lastSeen"), ("health_status", "health"), ("onboarding_status", "onboarding"),
                    ("computer_dns_name", "name"), ("machine_tags", "tags"),
                ] {
                    let old: String? = before[column]
                    let new: String? = row[column]
                    if old != new { changes.append("\(label) \(old ?? "-") → \(new ?? "-")") }
                }
                if !changes.isEmpty {
                    out.append(.init(time: observedAt, kind: "changed", detail: changes.joined(separator: "; ")))
                }
            }
            previous = row
        }
    }

    private static func actions(
        _ db: Database, tenant: Int64, machine: String, asOf: String, into out: inout [DeviceStatus.Evidence]
    ) throws {
        let actions = try Row.fetchAll(
            db,
            sql: """
                SELECT action_id AS id, type, raw_json ->> '$.requestor' AS requestor,
                       raw_json ->> '$.requestorComment' AS requestor_comment, created_at
                FROM action_states
                WHERE tenant = ? AND as_of = ? AND machine_id = ? AND created_at <= ? ORDER BY created_at, action_id
                """, arguments: [tenant, asOf, machine, asOf])
        for action in actions {
            let id: String = action["id"]
            let comment: String? = action["requestor_comment"]
            out.append(
                .init(
                    time: action["created_at"], kind: "action_requested",
                    detail:
                        "\(action["type"] as String? ?? "action") \(id) requested by \(action["requestor"] as String? ?? "unknown")"
                        + (comment.map { ": \"\($0)\"" } ?? "")))
            let statuses = try Row.fetchAll(
                db,
                sql: """
                    SELECT observed_at, status, last_update_at FROM machine_action_observations
                    WHERE tenant = ? AND action_id = ? AND observed_at <= ?
                      AND run <= (SELECT known_run FROM lifecycle_knowledge)
                    ORDER BY seq
                    """, arguments: [tenant, id, asOf])
            for status in statuses {
                out.append(
                    .init(
                        time: status["last_update_at"] ?? status["observed_at"], kind: "action_status",
                        detail: "\(action["type"] as String? ?? "action") \(id) \(status["status"] as String? ?? "-")"
                            + " (observed \(status["observed_at"] as String))"))
            }
        }
    }
}
