import Foundation
import GRDB
import MDEAPI

/// `verify`'s checks of the compact history (migration 0006): stored documents still match their SHA-256
/// address, and every history row points at a document and a device key that exist.
enum DocumentCheck {
    /// - Parameter afterRun: for `verify --since`: only the documents, rows and devices of runs after this one.
    static func verify(_ db: Database, into report: inout VerifyReport, afterRun: Int64? = nil) throws {
        guard try db.tableExists("raw_documents") else { return }
        let first = (afterRun ?? 0) + 1
        let rows = try Row.fetchCursor(
            db,
            sql: afterRun == nil
                ? "SELECT id, sha256, body FROM raw_documents ORDER BY id"
                : """
                SELECT id, sha256, body FROM raw_documents WHERE id IN (
                    SELECT document FROM machine_observations WHERE run >= ?1
                    UNION SELECT document FROM source_observations WHERE run >= ?1)
                ORDER BY id
                """, arguments: afterRun == nil ? [] : [first])
        var altered: [Int64] = []
        while let row = try rows.next() {
            let body: String = row[2]
            if DocumentStore.address(body) != (row[1] as Data) { altered.append(row[0]) }
        }
        if !altered.isEmpty {
            report.problems.append(
                "\(altered.count) stored document(s) no longer match their SHA-256 (ids "
                    + altered.prefix(5).map(String.init).joined(separator: ", ") + (altered.count > 5 ? ", …)" : ")"))
        }
        let dangling =
            try Int.fetchOne(
                db,
                sql: """
                    SELECT (SELECT count(*) FROM machine_observations o WHERE o.run >= ?1
                            AND o.document IS NOT NULL AND NOT EXISTS (SELECT 1 FROM raw_documents d WHERE d.id = o.document))
                         + (SELECT count(*) FROM source_observations o WHERE o.run >= ?1
                            AND o.document IS NOT NULL AND NOT EXISTS (SELECT 1 FROM raw_documents d WHERE d.id = o.document))
                         + (SELECT count(*) FROM device_sightings s WHERE s.run >= ?1
                            AND NOT EXISTS (SELECT 1 FROM device_keys k WHERE k.key = s.device))
                    """, arguments: [first]) ?? 0
        if dangling > 0 {
            report.problems.append("\(dangling) history row(s) point at a document or device key that does not exist")
        }
        // The derived state the views use for the latest as-of time must be exactly what history says: for every
        // device, or (`--since`) for the devices the later runs observed or sighted.
        let scope =
            afterRun == nil
            ? ""
            : """
            WHERE device IN (SELECT k.key FROM machine_observations o
                             JOIN device_keys k ON k.tenant = o.tenant AND k.machine_id = o.machine_id WHERE o.run >= ?1
                             UNION SELECT s.device FROM device_sightings s WHERE s.run >= ?1)
            """
        let derived =
            try Int.fetchOne(
                db,
                sql: """
                    SELECT (SELECT count(*) FROM (SELECT * FROM device_latest_expected \(scope)
                            EXCEPT SELECT device, tenant, observation, sighting, last_seen, fraction FROM device_latest
                            \(scope)))
                         + (SELECT count(*) FROM (SELECT device, tenant, observation, sighting, last_seen, fraction
                            FROM device_latest \(scope) EXCEPT SELECT * FROM device_latest_expected \(scope)))
                    """, arguments: afterRun == nil ? [] : [first]) ?? 0
        if derived > 0 {
            report.problems.append(
                "device_latest differs from history for \(derived) row(s), so answers as of the latest run would be "
                    + "wrong; restore the ledger from a backup (its rows must equal the view device_latest_expected)")
        }
    }
}

/// The run digests that migration 0006's `history_reshaped` event holds for the runs before it.
enum ReshapeAnchor {
    static func digests(_ db: Database, into report: inout VerifyReport) throws -> [Int64: String] {
        let payloads = try String.fetchAll(
            db, sql: "SELECT payload FROM events WHERE kind = 'history_reshaped' ORDER BY seq")
        if payloads.count > 1 { report.problems.append("the chain holds \(payloads.count) history_reshaped events") }
        guard let payload = payloads.first else { return [:] }
        guard case .object(let fields)? = try? JSONValue.parse(payload),
            case .object(let runs)? = fields["run_digests"]
        else {
            report.problems.append("the history_reshaped event carries no run digests")
            return [:]
        }
        var out: [Int64: String] = [:]
        for (run, digest) in runs {
            if let id = Int64(run), case .string(let text) = digest { out[id] = text }
        }
        return out
    }
}
