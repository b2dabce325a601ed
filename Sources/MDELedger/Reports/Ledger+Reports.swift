import Foundation
import GRDB

extension Ledger {
    /// Runs a report as of a time and gathers what every format states about it.
    /// - Parameters:
    ///   - tenant: one tenant, or nil for all tenants (bound as `:tenant`, the tenant's name, or NULL).
    ///   - asOf: canonical UTC text; nil means the latest committed sync or import of the tenants in scope.
    ///   - toolVersion: the version the output names; `generatedAt` the time it names (default now).
    /// - Throws: `ReportError` naming the report file and SQLite's message when its query fails.
    ///   - knownAt: answer with only what was recorded at or before this head; the report then names that head,
    ///     so it is byte for byte the report the ledger gave when the head was its latest.
    public func runReport(
        _ report: ReportDefinition, tenant: TenantRecord?, asOf: String?, toolVersion: String,
        generatedAt: String? = nil, knownAt: KnownAt? = nil
    ) throws -> ReportResult {
        let scope = try tenant.map { [$0] } ?? tenants()
        let latest = try dbQueue.read { db in
            try scope.compactMap { try Self.latestSnapshotTime(db, tenant: $0.id, knownSeq: knownAt?.seq) }.max()
        }
        guard let time = asOf ?? latest else {
            throw ReportError("the ledger holds no committed sync or import yet; run 'mde-ledger sync' first")
        }
        var result = ReportResult(
            report: report, asOf: time, asOfTimes: [], tenants: scope.map(\.name), settings: [],
            ledger: .init(schemaVersion: try schemaVersion()), toolVersion: toolVersion,
            generatedAt: generatedAt ?? UTCClock.nowText(),
            columns: [], rows: [])
        try withAsOf(points: [time], knownSeq: knownAt?.seq) { db in
            result.ledger = try Self.ledgerState(db, schemaVersion: result.ledger.schemaVersion, knownAt: knownAt)
            result.settings = try Self.reportSettings(db, tenants: scope, asOf: time)
        }
        switch report.asOfMode {
        case .single:
            (result.columns, result.rows) = try run(report, at: time, tenant: tenant, knownAt: knownAt)
        case .monthEnds(let count):
            let first = try dbQueue.read { db in
                try String.fetchOne(
                    db,
                    sql: "SELECT min(observed_at) FROM sync_runs WHERE status = 'committed' AND tenant IN "
                        + "(SELECT value FROM json_each(?))",
                    arguments: ["[" + scope.map { String($0.id) }.joined(separator: ",") + "]"])
            }
            // Months that ended before the first observation are absent, not zero.
            result.asOfTimes = ReportTime.monthEnds(upTo: time, count: count).filter { end in
                first.map { end >= $0 } ?? false
            }
            for end in result.asOfTimes {
                let (columns, rows) = try run(report, at: end, tenant: tenant, knownAt: knownAt)
                result.columns = columns
                result.rows += rows
            }
            if result.asOfTimes.isEmpty {
                result.columns = try run(report, at: time, tenant: tenant, knownAt: knownAt).0
            }
        }
        return result
    }

    /// One run of the report's query with `:as_of` and `:tenant` bound.
    private func run(_ report: ReportDefinition, at time: String, tenant: TenantRecord?, knownAt: KnownAt?) throws
        -> ([String], [[ReportValue]])
    {
        do {
            return try withAsOf(points: [time], knownSeq: knownAt?.seq) { db in
                try Self.query(db, report, at: time, tenant: tenant?.name)
            }
        } catch let error as DatabaseError {
            throw ReportError("\(report.path): \(error.message ?? "\(error)")")
        }
    }

    private static func query(_ db: Database, _ report: ReportDefinition, at time: String, tenant: String?) throws
        -> ([String], [[ReportValue]])
    {
        let statement = try db.makeStatement(sql: report.sql)
        guard statement.isReadonly else {
            throw ReportError("\(report.path): a report is one SELECT query; this one would change the ledger")
        }
        let arguments: StatementArguments = ["as_of": time, "tenant": tenant]
        var rows: [[ReportValue]] = []
        for row in try Row.fetchAll(statement, arguments: arguments) {
            rows.append(row.databaseValues.map { ReportValue($0) })
        }
        return (statement.columnNames, rows)
    }

    static func ledgerState(_ db: Database, schemaVersion: Int, knownAt: KnownAt? = nil) throws
        -> ReportResult.LedgerState
    {
        if let knownAt { return .init(schemaVersion: schemaVersion, headSeq: knownAt.seq, headHash: knownAt.hash) }
        let head = try Row.fetchOne(db, sql: "SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1")
        return .init(schemaVersion: schemaVersion, headSeq: head?["seq"], headHash: head?["hash"])
    }
}
