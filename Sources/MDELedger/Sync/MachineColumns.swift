import Foundation
import GRDB
import MDEAPI

/// The explicit field → column map for machines (`GET /api/machines`).
///
/// The same list names the columns of the staging table, the current `machines` table and the
/// append-only `machine_observations`, so change detection compares exactly what history records.
enum MachineColumns {
    /// Tracked columns: a change in any of them writes an observation row.
    static let tracked = [
        "computer_dns_name", "aad_device_id", "os_platform", "os_version", "onboarding_status", "health_status",
        "first_seen", "last_seen", "rbac_group_id", "rbac_group_name", "machine_tags", "merged_into_machine_id",
        "is_excluded",
    ]

    /// Tracked columns that change as a matter of course and so do not by themselves make an event.
    static let quiet: Set<String> = ["last_seen", "first_seen"]

    /// Values in `tracked` order.
    static func values(_ m: Machine) -> [DatabaseValue] {
        [
            m.computerDnsName.databaseValue, m.aadDeviceId.databaseValue, m.osPlatform.databaseValue,
            m.osVersion.databaseValue, m.onboardingStatus.databaseValue, m.healthStatus.databaseValue,
            m.firstSeen.databaseValue, m.lastSeen.databaseValue, m.rbacGroupId.databaseValue,
            m.rbacGroupName.databaseValue, tagsJSON(m.machineTags).databaseValue,
            m.mergedIntoMachineId.databaseValue, m.isExcluded.databaseValue,
        ]
    }

    /// Tags as a sorted JSON array, so a reordering by the service is not a change.
    static func tagsJSON(_ tags: [String]) -> String {
        JSONValue.array(tags.sorted().map(JSONValue.string)).canonicalText()
    }

    /// The stored form of a machine's raw JSON: the document with lastSeen cut out when that is possible
    /// (`LastSeenSplit`), else the whole document. Values: body, offset, fraction.
    static func documentValues(_ m: Machine, raw: String) -> [DatabaseValue] {
        // Cut only when the value read back is the lastSeen the ledger recorded: a document that also spells
        // the key another way keeps its lastSeen inside the body.
        if let split = LastSeenSplit.split(raw), UTCTime.format(epochSeconds: split.seconds) == m.lastSeen {
            return [split.template.databaseValue, split.offset.databaseValue, split.fraction.databaseValue]
        }
        return [raw.databaseValue, DatabaseValue.null, DatabaseValue.null]
    }

    /// The stored document's columns, in `documentValues` order.
    static let document = ["body", "ls_offset", "ls_fraction"]

    /// The statements a run executes once per machine, built once: GRDB's statement cache is keyed by SQL
    /// text, and rebuilding the text per row was a measurable share of a large sync.
    static let stageSQL = insertSQL("temp.staged_machines", staged, orReplace: true)
    static let observationSQL = insertSQL(
        "machine_observations",
        ["tenant", "machine_id", "run", "observed_at", "present"] + tracked
            + ["document", "last_seen_offset", "last_seen_fraction"])
    // STRICT, so ANY keeps each value exactly as bound: in an ordinary table "ANY" means NUMERIC affinity and
    // would turn the text "140" into the integer 140, which then differs from the ledger's text column.
    /// The staging table in `schema`: `temp` for a run's own staging, `main` in an import's scratch file.
    static func stagingDDL(schema: String) -> String {
        """
        CREATE TABLE \(schema).staged_machines (
            id TEXT PRIMARY KEY, \(tracked.map { "\($0) ANY" }.joined(separator: ", ")),
            body TEXT NOT NULL, ls_offset INTEGER, ls_fraction TEXT
        ) STRICT
        """
    }

    /// The staging table's columns, in the order `stageSQL` binds them.
    static let staged = ["id"] + tracked + document

    /// A staging row, in `staged` order; `raw` is the machine's JSON as it is kept.
    static func stagedRow(_ m: Machine, raw: String) -> [DatabaseValue] {
        [m.id.databaseValue] + values(m) + documentValues(m, raw: raw)
    }
}

/// The explicit field → column map for machine actions (`GET /api/machineactions`).
enum ActionColumns {
    /// Every column of `machine_actions` that comes from the API, in `values` order.
    static let all = [
        "type", "scope", "status", "machine_id", "computer_dns_name", "requestor", "requestor_comment",
        "request_source", "external_id", "title", "created_at", "last_update_at", "cancellation_requestor",
        "cancellation_comment", "cancelled_at",
    ]

    /// Tracked columns: a change writes a `machine_action_observations` row.
    static let tracked = ["status", "machine_id", "cancellation_requestor", "cancellation_comment", "cancelled_at"]

    /// Columns of an action observation row besides its bookkeeping. `type` and `created_at` are repeated in
    /// every row so the lifecycle reads only history, never the mutable `machine_actions` table.
    static let observed = [
        "status", "machine_id", "last_update_at", "cancellation_requestor",
        "cancellation_comment", "cancelled_at", "type", "created_at",
    ]

    static func values(_ a: MachineAction) -> [DatabaseValue] {
        [
            a.type, a.scope, a.status, a.machineId, a.computerDnsName, a.requestor, a.requestorComment,
            a.requestSource, a.externalId, a.title, a.creationDateTimeUtc, a.lastUpdateDateTimeUtc,
            a.cancellationRequestor, a.cancellationComment, a.cancellationDateTimeUtc,
        ].map(\.databaseValue)
    }

    static let stageSQL = insertSQL("temp.staged_actions", staged, orReplace: true)
    static let observationSQL = insertSQL(
        "machine_action_observations", ["tenant", "action_id", "run", "observed_at"] + observed + ["raw_json"])
    static let upsertCurrentSQL =
        insertSQL("machine_actions", ["tenant", "id"] + all + ["observation", "first_observed_at"])
        + " ON CONFLICT (tenant, id) DO UPDATE SET "
        + all.map { "\($0) = excluded.\($0)" }.joined(separator: ", ")
        + ", observation = COALESCE(excluded.observation, machine_actions.observation)"

    /// The staging table in `schema` (see `MachineColumns.stagingDDL`).
    static func stagingDDL(schema: String) -> String {
        """
        CREATE TABLE \(schema).staged_actions (
            id TEXT PRIMARY KEY, \(all.map { "\($0) ANY" }.joined(separator: ", ")), raw_json TEXT NOT NULL
        ) STRICT
        """
    }

    /// The staging table's columns, in the order `stageSQL` binds them.
    static let staged = ["id"] + all + ["raw_json"]

    /// A staging row, in `staged` order; `raw` is the action's JSON as it is kept.
    static func stagedRow(_ a: MachineAction, raw: String) -> [DatabaseValue] {
        [a.id.databaseValue] + values(a) + [raw.databaseValue]
    }
}

/// `INSERT [OR REPLACE] INTO table (columns…) VALUES (?, …)`; names are constants of this module, never input.
func insertSQL(_ table: String, _ columns: [String], orReplace: Bool = false) -> String {
    let placeholders = Array(repeating: "?", count: columns.count).joined(separator: ", ")
    return
        "INSERT \(orReplace ? "OR REPLACE " : "")INTO \(table) (\(columns.joined(separator: ", "))) VALUES (\(placeholders))"
}
