import Foundation
import GRDB

/// What people recorded about one device for `status`: offboardings done without the API, exceptions and their
/// revocations, each known at the answer's head and dated by when it applies.
enum ExceptionEvidence {
    static func collect(
        _ db: Database, tenant: Int64, machine: String, asOf: String, into out: inout [DeviceStatus.Evidence]
    ) throws {
        for row in try Row.fetchAll(
            db,
            sql: """
                SELECT offboarded_at, seq, evidence, recorded_by, recorded_at FROM manual_offboards
                WHERE tenant = ? AND machine_id = ? AND offboarded_at <= ?
                  AND run <= (SELECT known_run FROM lifecycle_knowledge) ORDER BY seq
                """, arguments: [tenant, machine, asOf])
        {
            out.append(
                .init(
                    time: row["offboarded_at"], kind: "offboarded by hand",
                    detail: "offboarded without the API (manual-\(row["seq"] as Int64), recorded by "
                        + "\(row["recorded_by"] as String) at \(row["recorded_at"] as String)): "
                        + "\(row["evidence"] as String)"))
        }
        for row in try Row.fetchAll(
            db,
            sql: """
                SELECT x.valid_from, x.seq, x.state, x.until_date, x.approved_by, x.reason, x.recorded_by,
                       v.revoked_at, v.revoked_by, v.reason AS revocation_reason
                FROM finding_exceptions x
                LEFT JOIN exception_revocations v ON v.exception = x.seq AND v.revoked_at <= ?3
                    AND v.run <= (SELECT known_run FROM lifecycle_knowledge)
                WHERE x.tenant = ?1 AND x.machine_id = ?2 AND x.valid_from <= ?3
                  AND x.run <= (SELECT known_run FROM lifecycle_knowledge) ORDER BY x.seq
                """, arguments: [tenant, machine, asOf])
        {
            let id: Int64 = row["seq"]
            let approver = (row["approved_by"] as String?).map { ", approved by \($0)" } ?? ""
            out.append(
                .init(
                    time: row["valid_from"], kind: "exception",
                    detail: "exception \(id) for state \(row["state"] as String) until \(row["until_date"] as String)"
                        + "\(approver), recorded by \(row["recorded_by"] as String): \(row["reason"] as String)"))
            if let revokedAt: String = row["revoked_at"] {
                out.append(
                    .init(
                        time: revokedAt, kind: "exception revoked",
                        detail: "exception \(id) revoked by \(row["revoked_by"] as String): "
                            + "\(row["revocation_reason"] as String) [local clock]"))
            }
        }
    }
}
