import Foundation
import GRDB

/// "Which findings are new?" for a job that alerts: exit 2 every day on standing findings trains people to ignore
/// the alert. A finding is new when the same report, about the previous period's end or the previous run, as the
/// ledger knew it when that time had first passed, did not list it.
extension Ledger {
    /// The report a job compared with last time: `report` about `previous`, known at the first run that covered it.
    /// - Returns: nil when `previous` is nil (nothing to compare with: every finding is new).
    public func previousReport(
        _ report: ReportDefinition, tenant: TenantRecord?, previous: String?, toolVersion: String
    ) throws -> ReportResult? {
        guard let previous else { return nil }
        return try runReport(
            report, tenant: tenant, asOf: previous, toolVersion: toolVersion,
            knownAt: try knowledge(covering: previous, tenant: tenant))
    }

    /// What the ledger knew when `time` had first passed: the head at the `run_committed` event of the first run
    /// dated at or after it; nil (everything known) when no run covers it yet.
    public func knowledge(covering time: String, tenant: TenantRecord?) throws -> KnownAt? {
        let seq = try dbQueue.read { db in
            try Int64.fetchOne(
                db,
                sql: """
                    SELECT e.seq FROM sync_runs r JOIN events e ON e.run = r.id AND e.kind = 'run_committed'
                    WHERE r.status = 'committed' AND r.observed_at >= ? AND (? IS NULL OR r.tenant = ?)
                    ORDER BY r.observed_at, r.id LIMIT 1
                    """, arguments: [time, tenant?.id, tenant?.id])
        }
        return try seq.map { try knownAt(String($0)) }
    }

    /// The latest committed run's time before `time` (for one tenant, or all): the previous run a daily job saw.
    public func previousSnapshotTime(before time: String, tenant: TenantRecord?) throws -> String? {
        try dbQueue.read { db in
            try String.fetchOne(
                db,
                sql: """
                    SELECT max(observed_at) FROM sync_runs
                    WHERE status = 'committed' AND observed_at < ? AND (? IS NULL OR tenant = ?)
                    """, arguments: [time, tenant?.id, tenant?.id])
        }
    }
}

extension ReportResult {
    /// What identifies each finding: `tenant device` when the report has both columns, else the whole row.
    public var findingKeys: Set<String> {
        guard let finding = columns.firstIndex(of: "finding") else { return [] }
        let key = ["tenant_name", "machine_id"].compactMap { columns.firstIndex(of: $0) }
        return Set(
            rows.filter { $0[finding] == .integer(1) }.map { row in
                (key.count == 2 ? key.map { row[$0] } : row).map(\.text).joined(separator: " ")
            })
    }
}
