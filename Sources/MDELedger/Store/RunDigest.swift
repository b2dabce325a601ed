import Crypto
import Foundation
import GRDB

/// A SHA-256 over the history rows one run wrote, stored in that run's `run_committed` event.
///
/// Observation rows are not events themselves (a daily sync of many devices would flood the chain), so
/// this digest is what makes them tamper-evident: editing, deleting or inserting a history row of a
/// committed run changes the digest that `verify` recomputes. Each version names its columns explicitly, so a
/// later `ALTER TABLE … ADD COLUMN` never changes the digest of an older run.
enum RunDigest {
    /// The digest format of new runs (recorded as `digest_version` in `run_committed`).
    static let currentVersion = 6

    /// Runs of ledger format 1: the history tables' columns as migrations 0001 and 0002 created them. Each
    /// version's lists are literals, never today's `MachineColumns`: tracking one more API field must not change
    /// the digest of a run written before it (`verify` would call every old run altered).
    private static let v1: [(table: String, columns: [String])] = [
        (
            "machine_observations",
            [
                "seq", "tenant", "machine_id", "run", "observed_at", "present", "computer_dns_name", "aad_device_id",
                "os_platform", "os_version", "onboarding_status", "health_status", "first_seen", "last_seen",
                "rbac_group_id", "rbac_group_name", "machine_tags", "merged_into_machine_id", "is_excluded", "raw_json",
            ]
        ),
        (
            "machine_action_observations",
            [
                "seq", "tenant", "action_id", "run", "observed_at", "status", "machine_id", "last_update_at",
                "cancellation_requestor", "cancellation_comment", "cancelled_at", "raw_json",
            ]
        ),
        (
            "retirements",
            [
                "seq", "tenant", "machine_id", "retired_at", "note", "device_input", "matched_by", "source", "run",
                "imported_at",
            ]
        ),
    ]

    /// Version 2 adds the action observations' type and creation time, and the run's own row.
    private static let v2: [(table: String, columns: [String])] =
        [
            v1[0], (v1[1].table, v1[1].columns + ["type", "created_at"]), v1[2],
        ]

    /// Version 4 (migration 0007): a retirement names the SHA-256 of its list, and retirement withdrawals.
    private static let withdrawalColumns = [
        "seq", "tenant", "machine_id", "retirement", "reason", "withdrawn_by", "withdrawn_at", "run",
    ]

    /// Version 6 (migration 0013).
    private static let exceptionColumns = [
        "seq", "tenant", "machine_id", "state", "reason", "approved_by", "recorded_by", "recorded_at", "valid_from",
        "until_date", "expires_at", "run",
    ]
    private static let revocationColumns = [
        "seq", "tenant", "exception", "reason", "revoked_by", "revoked_at", "run",
    ]
    private static let manualOffboardColumns = [
        "seq", "tenant", "machine_id", "offboarded_at", "evidence", "recorded_by", "recorded_at", "run",
    ]

    /// The queries of one version: a name and a SELECT taking the run id, in digest order.
    private static func parts(_ version: Int) -> [(name: String, sql: String)] {
        // Version 6 (migration 0013): exceptions, their revocations, and offboardings recorded by hand.
        if version >= 6 {
            return parts(5) + [
                ("finding_exceptions", plainSQL("finding_exceptions", exceptionColumns)),
                ("exception_revocations", plainSQL("exception_revocations", revocationColumns)),
                ("manual_offboards", plainSQL("manual_offboards", manualOffboardColumns)),
            ]
        }
        // Version 5 (migration 0010): what Microsoft Graph showed, each row naming its document by SHA-256.
        if version >= 5 {
            return parts(4) + [
                (
                    "source_observations",
                    """
                    SELECT o.seq, o.tenant, o.source, o.object_id, o.join_key, o.run, o.observed_at, o.present,
                        o.activity_at, lower(hex(d.sha256)) AS document
                    FROM source_observations o LEFT JOIN raw_documents d ON d.id = o.document
                    WHERE o.run = ? ORDER BY o.seq
                    """
                )
            ]
        }
        if version >= 4 {
            var parts = parts(3)
            parts[2] = (v2[2].table, plainSQL(v2[2].table, v2[2].columns + ["list_sha256"]))
            parts.append(("retirement_withdrawals", plainSQL("retirement_withdrawals", withdrawalColumns)))
            return parts
        }
        let tables = version >= 2 ? v2 : v1
        guard version >= 3 else { return tables.map { ($0.table, plainSQL($0.table, $0.columns)) } }
        // Version 3 (migration 0006): an observation names its stored document by SHA-256 and says where lastSeen
        // goes back into it; the run's sightings are covered with their device's id.
        let observations = tables[0].columns.map { "o.\($0)" }.joined(separator: ", ")
        return [
            (
                "machine_observations",
                """
                SELECT \(observations), lower(hex(d.sha256)) AS document, o.last_seen_offset, o.last_seen_fraction
                FROM machine_observations o LEFT JOIN raw_documents d ON d.id = o.document
                WHERE o.run = ? ORDER BY o.seq
                """
            ),
            (tables[1].table, plainSQL(tables[1].table, tables[1].columns)),
            (tables[2].table, plainSQL(tables[2].table, tables[2].columns)),
            (
                "device_sightings",
                """
                SELECT k.machine_id, s.last_seen, s.fraction
                FROM device_sightings s JOIN device_keys k ON k.key = s.device
                WHERE s.run = ? ORDER BY s.device
                """
            ),
        ]
    }

    private static func plainSQL(_ table: String, _ columns: [String]) -> String {
        "SELECT \(columns.joined(separator: ", ")) FROM \(table) WHERE run = ? ORDER BY seq"
    }

    /// The run row's columns that are final when the digest is taken (counts written later are checked by count).
    static let runColumns = [
        "id", "tenant", "kind", "status", "complete", "started_at", "observed_at", "source", "machines_seen",
        "actions_seen", "api_calls", "throttled", "retries",
    ]

    static func compute(_ db: Database, run: Int64, version: Int = currentVersion) throws -> String {
        var hasher = SHA256()
        for part in parts(version) {
            hasher.update(data: Data("\(part.name)\n".utf8))
            let rows = try Row.fetchCursor(db, sql: part.sql, arguments: [run])
            while let row = try rows.next() {
                hasher.update(data: Data(line(row).utf8))
            }
        }
        if version >= 2 {
            hasher.update(data: Data("sync_runs\n".utf8))
            let row = try Row.fetchOne(
                db, sql: "SELECT \(runColumns.joined(separator: ", ")) FROM sync_runs WHERE id = ?", arguments: [run])
            if let row { hasher.update(data: Data(line(row).utf8)) }
        }
        return hasher.finalize().hexString
    }

    /// One row as text: each column as `name=value`, NULL distinct from any text, unit-separated.
    private static func line(_ row: Row) -> String {
        var parts: [String] = []
        for (column, value) in row {
            switch value.storage {
            case .null: parts.append("\(column)\u{0}")
            case .int64(let v): parts.append("\(column)=i\(v)")
            case .double(let v): parts.append("\(column)=d\(v)")
            case .string(let v): parts.append("\(column)=s\(v)")
            case .blob(let v): parts.append("\(column)=b\(v.base64EncodedString())")
            }
        }
        return parts.joined(separator: "\u{1F}") + "\u{1E}"
    }
}
