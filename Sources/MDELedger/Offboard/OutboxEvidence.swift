import Foundation
import GRDB

/// The outbox's part of `status DEVICE`: who asked this tool to offboard or tag the device, via which app, why,
/// in which plan, and what the API answered.
enum OutboxEvidence {
    /// Each device's latest step per plan, dated by the action's creation time when the API accepted it (the
    /// service's clock, like the action evidence) and by the local clock otherwise; later than `asOf` is left out.
    static func collect(
        _ db: Database, tenant: Int64, machine: String, asOf: String, into out: inout [DeviceStatus.Evidence]
    ) throws {
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT l.plan, l.step, l.action_id, l.reconciled, l.http_status, l.error_code, l.message,
                       COALESCE(a.created_at, l.recorded_at) AS time, p.kind, p.tag, p.comment, p.requested_by,
                       p.client_id
                FROM outbox_latest l JOIN outbox_plans p ON p.id = l.plan
                LEFT JOIN machine_actions a ON a.tenant = p.tenant AND a.id = l.action_id
                WHERE p.tenant = ? AND l.machine_id = ? ORDER BY l.plan
                """, arguments: [tenant, machine])
        for row in rows where (row["time"] as String) <= asOf {
            let kind: String = row["kind"]
            var detail = kind == "offboard" ? "offboard" : "\(kind) \(row["tag"] as String? ?? "")"
            detail += " requested by \(row["requested_by"] as String) via app \(row["client_id"] as String)"
            if let comment: String = row["comment"] { detail += ", comment \"\(comment)\"" }
            detail += ", plan \(row["plan"] as Int64): \(row["step"] as String)"
            if let action: String = row["action_id"] { detail += ", action \(action)" }
            if (row["reconciled"] as Int) == 1 { detail += " (found by listing after a lost answer)" }
            let error = [
                (row["http_status"] as Int?).map(String.init), row["error_code"] as String?, row["message"] as String?,
            ].compactMap { $0 }
            if !error.isEmpty { detail += " (\(error.joined(separator: " ")))" }
            out.append(.init(time: row["time"], kind: "outbox", detail: detail))
        }
    }
}
