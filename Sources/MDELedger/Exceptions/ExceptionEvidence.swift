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
                    time: row[0], kind: "offboarded by hand",
                    detail: "offboarded without the API (manual-\(row[1] as Int64), recorded by \(row[3] as String) at "
                        + "\(row[4] as String)): \(row[2] as String)"))
        }
        for row in try Row.fetchAll(
            db,
            sql: """
                SELECT x.valid_from, x.seq, x.state, x.until_date, x.approved_by, x.reason, x.recorded_by,
                       v.revoked_at, v.revoked_by, v.reason
                FROM finding_exceptions x
                LEFT JOIN exception_revocations v ON v.exception = x.seq AND v.revoked_at <= ?3
                    AND v.run <= (SELECT known_run FROM lifecycle_knowledge)
                WHERE x.tenant = ?1 AND x.machine_id = ?2 AND x.valid_from <= ?3
                  AND x.run <= (SELECT known_run FROM lifecycle_knowledge) ORDER BY x.seq
                """, arguments: [tenant, machine, asOf])
        {
            let id: Int64 = row[1]
            let approver = (row[4] as String?).map { ", approved by \($0)" } ?? ""
            out.append(
                .init(
                    time: row[0], kind: "exception",
                    detail: "exception \(id) for state \(row[2] as String) until \(row[3] as String)\(approver), "
                        + "recorded by \(row[6] as String): \(row[5] as String)"))
            if let revokedAt: String = row[7] {
                out.append(
                    .init(
                        time: revokedAt, kind: "exception revoked",
                        detail: "exception \(id) revoked by \(row[8] as String): \(row[9] as String) [local clock]"))
            }
        }
    }
}
