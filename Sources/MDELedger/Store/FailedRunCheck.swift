import Foundation
import GRDB
import MDEAPI

/// Failed runs and tenant names in `verify` (format 4, migration 0007, on): a failed run is what `sync-health`
/// reports, and a tenant's name is what every answer is labelled with, so both are tied to a chained event.
enum FailedRunCheck {
    /// The `sync_runs` columns a `run_failed` event records.
    static let columns = [
        "id", "tenant", "kind", "complete", "started_at", "finished_at", "source", "machines_seen", "actions_seen",
        "api_calls", "throttled", "retries", "error",
    ]

    static func payload(_ row: Row) -> [String: JSONValue] {
        var out: [String: JSONValue] = [:]
        for (column, value) in row {
            switch value.storage {
            case .null: out[column] = .null
            case .int64(let v): out[column] = .int(v)
            case .string(let v): out[column] = .string(v)
            case .double(let v): out[column] = .double(v)
            case .blob: out[column] = .null
            }
        }
        return out
    }

    static func verify(_ db: Database, into report: inout VerifyReport) throws {
        guard let boundary = try FormatMarker.boundary(db) else { return }
        var events: [Int64: [JSONValue]] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT run, payload FROM events WHERE kind = 'run_failed' ORDER BY seq") {
            events[row[0] ?? -1, default: []].append(try JSONValue.parse(row[1] as String))
        }
        for row in try Row.fetchAll(
            db,
            sql:
                "SELECT \(columns.joined(separator: ", ")) FROM sync_runs WHERE status = 'failed' AND id >= ? ORDER BY id",
            arguments: [boundary.firstRun])
        {
            let id: Int64 = row["id"]
            let found = events.removeValue(forKey: id) ?? []
            if found.count != 1 || found[0] != .object(payload(row)) {
                report.problems.append(
                    found.isEmpty
                        ? "failed run \(id) has no run_failed event"
                        : "failed run \(id) differs from its run_failed event")
            }
        }
        for run in events.keys.sorted() {
            report.problems.append("a run_failed event names run \(run), which is not a failed run of format 4")
        }
        try tenants(db, boundary: boundary.firstEvent, into: &report)
    }

    private static func tenants(_ db: Database, boundary: Int64, into report: inout VerifyReport) throws {
        for row in try Row.fetchAll(
            db,
            sql: """
                SELECT t.id, t.name,
                       (SELECT e.subject FROM events e WHERE e.tenant = t.id AND e.kind = 'tenant_added'
                        ORDER BY e.seq LIMIT 1) AS added,
                       (SELECT min(e.seq) FROM events e WHERE e.tenant = t.id) AS first
                FROM tenants t ORDER BY t.id
                """)
        {
            let name: String = row["name"]
            if let added: String = row["added"] {
                if added != "tenant:\(name)" {
                    report.problems.append(
                        "tenant \(row["id"] as Int64) is named '\(ErrorText.escaped(name))' but its tenant_added event "
                            + "says \(ErrorText.escaped(added)) (the name was edited)")
                }
            } else if (row["first"] as Int64?).map({ $0 >= boundary }) ?? true {
                report.problems.append(
                    "tenant '\(ErrorText.escaped(name))' has no tenant_added event: tenants are created with one")
            }
        }
    }
}
