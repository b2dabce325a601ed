import Foundation
import GRDB

/// The outbox's part of `status DEVICE`: who asked this tool to offboard or tag the device, via which app, why,
/// in which plan, and what the API answered.
enum OutboxEvidence {
    /// Every step of every plan for the device (planned, sent, rejected, already requested, deferred, accepted
    /// and not yet observed), dated by the service's clock when the step has one (the action's creation time, or
    /// the Date header of the call) and by the local clock otherwise. Only a step whose service time is later than
    /// `asOf` is left out: the local clock may run ahead of the last snapshot, and a step must not vanish for that.
    static func collect(
        _ db: Database, tenant: Int64, machine: String, asOf: String, into out: inout [DeviceStatus.Evidence]
    ) throws {
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT s.plan, s.step, s.action_id, s.reconciled, s.http_status, s.error_code, s.message,
                       COALESCE(a.created_at, s.service_time) AS service_time, s.recorded_at, p.kind, p.tag, p.comment,
                       p.requested_by, p.client_id, a.status AS action_status
                FROM outbox_steps s JOIN outbox_plans p ON p.id = s.plan
                LEFT JOIN machine_actions a ON a.tenant = p.tenant AND a.id = s.action_id
                WHERE p.tenant = ? AND s.machine_id = ?
                  -- As known at a head: the first N steps, N being the outbox_step events recorded by it.
                  AND s.seq <= COALESCE((
                      SELECT x.seq FROM outbox_steps x ORDER BY x.seq LIMIT 1 OFFSET (
                          SELECT count(*) - 1 FROM events e
                          WHERE e.kind = 'outbox_step' AND e.seq <= (SELECT known_seq FROM lifecycle_knowledge))
                  ), 0)
                ORDER BY s.seq
                """, arguments: [tenant, machine])
        for row in rows {
            let serviceTime: String? = row["service_time"]
            if let serviceTime, serviceTime > asOf { continue }
            let kind: String = row["kind"]
            var detail = kind == "offboard" ? "offboard" : "\(kind) \(row["tag"] as String? ?? "")"
            detail += " requested by \(row["requested_by"] as String) via app \(row["client_id"] as String)"
            if let comment: String = row["comment"] { detail += ", comment \"\(comment)\"" }
            detail += ", plan \(row["plan"] as Int64): \(row["step"] as String)"
            if let action: String = row["action_id"] {
                detail += ", action \(action)"
                if row["step"] as String == "accepted" {
                    detail += " (\(row["action_status"] as String? ?? "accepted, not yet observed by a sync"))"
                }
            }
            if (row["reconciled"] as Int) == 1 { detail += " (found by listing after a lost answer)" }
            let error = [
                (row["http_status"] as Int?).map(String.init), row["error_code"] as String?, row["message"] as String?,
            ].compactMap { $0 }
            if !error.isEmpty { detail += " (\(error.joined(separator: " ")))" }
            if serviceTime == nil { detail += " [local clock]" }
            out.append(.init(time: serviceTime ?? row["recorded_at"], kind: "outbox", detail: detail))
        }
    }
}
