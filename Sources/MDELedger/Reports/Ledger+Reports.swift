import Foundation
import GRDB
import MDEAPI

extension Ledger {
    /// Runs a report as of a time and gathers what every format states about it.
    /// - Parameters:
    ///   - tenant: one tenant, or nil for all tenants (bound as `:tenant`, the tenant's name, or NULL).
    ///   - asOf: canonical UTC text; nil means the latest committed sync or import of the tenants in scope (now, for
    ///     a report with `-- default-as-of: now`).
    ///   - toolVersion: the version the output names; `generatedAt` the time it names (default now).
    /// - Throws: `ReportError` naming the report file and SQLite's message when its query fails.
    ///   - knownAt: answer with only what was recorded at or before this head; the report then names that head,
    ///     so it is byte for byte the report the ledger gave when the head was its latest.
    ///   - allowPartial: answer a time after a tenant's last run anyway, marked partial in every format; without
    ///     it such a time is refused (`ReportError.isUsage`), because the answer would extrapolate.
    ///   - months: the zone whose months `-- as-of: month-ends` and `with-previous-month-end` use (nil: UTC).
    public func runReport(
        _ report: ReportDefinition, tenant: TenantRecord?, asOf: String?, toolVersion: String,
        generatedAt: String? = nil, knownAt: KnownAt? = nil, allowPartial: Bool = false, months: DisplayZone? = nil
    ) throws -> ReportResult {
        let scope = try tenant.map { [$0] } ?? tenants()
        let lastRuns = try dbQueue.read { db in
            try scope.compactMap { t in
                try Self.latestSnapshotTime(db, tenant: t.id, knownSeq: knownAt?.seq).map { (t.name, $0) }
            }
        }
        guard let time = asOf ?? (report.defaultsToNow ? clock.nowText() : lastRuns.map(\.1).max()) else {
            throw ReportError("the ledger holds no committed sync or import yet; run 'mde-ledger sync' first")
        }
        // A named time after a tenant's last run asks about days the ledger has not seen: refused, or marked.
        let uncovered = asOf == nil ? [] : lastRuns.filter { Self.isAfter(time, $0.1) }
        let partial = uncovered.isEmpty ? nil : Self.partialText(time, uncovered)
        if let partial, !allowPartial {
            throw ReportError(
                "\(partial). Run 'mde-ledger sync' first, ask about an earlier time, or pass --allow-partial to "
                    + "report what is known, marked partial", isUsage: true)
        }
        var result = ReportResult(
            report: report, asOf: time, asOfTimes: [], tenants: scope.map(\.name), settings: [],
            ledger: .init(schemaVersion: try schemaVersion()), toolVersion: toolVersion,
            generatedAt: generatedAt ?? self.clock.nowText(),
            columns: [], rows: [])
        try withAsOf(points: [time], knownSeq: knownAt?.seq) { db in
            result.ledger = try Self.ledgerState(db, schemaVersion: result.ledger.schemaVersion, knownAt: knownAt)
            result.settings = try Self.reportSettings(db, tenants: scope, asOf: time)
            let stale = Dictionary(uniqueKeysWithValues: result.settings.map { ($0.tenant, $0.policy.staleHours) })
            result.freshness = try DataFreshness.lines(db, tenants: scope, asOf: time, staleHours: stale)
        }
        result.months = months
        (result.asOfTimes, result.columns, result.rows) = try answer(
            report, at: time, scope: scope, tenant: tenant, knownSeq: knownAt?.seq, months: months)
        result.partial = partial
        result.corrections = try corrections(
            report, result, scope: scope, tenant: tenant, knownSeq: knownAt?.seq ?? result.ledger.headSeq ?? 0)
        return result
    }

    /// The report's rows at `time` (every month end up to it for `-- as-of: month-ends N`), as known at `knownSeq`.
    private func answer(
        _ report: ReportDefinition, at time: String, scope: [TenantRecord], tenant: TenantRecord?, knownSeq: Int64?,
        months: DisplayZone?
    ) throws -> (asOfTimes: [String], columns: [String], rows: [[ReportValue]]) {
        switch report.asOfMode {
        case .single:
            let (columns, rows) = try run(report, at: time, tenant: tenant, knownSeq: knownSeq)
            return ([], columns, rows)
        case .withPreviousMonthEnd:
            let previous = ReportTime.previousMonthEnd(before: time, zone: months) ?? time
            let (columns, rows) = try run(report, at: time, previous: previous, tenant: tenant, knownSeq: knownSeq)
            return ([previous], columns, rows)
        case .monthEnds(let count):
            let first = try dbQueue.read { db in
                try String.fetchOne(
                    db,
                    sql: "SELECT min(observed_at) FROM sync_runs WHERE status = 'committed' AND tenant IN "
                        + "(SELECT value FROM json_each(?))",
                    arguments: ["[" + scope.map { String($0.id) }.joined(separator: ",") + "]"])
            }
            // Months that ended before the first observation are absent, not zero.
            let ends = ReportTime.monthEnds(upTo: time, count: count, zone: months).filter { end in
                first.map { end >= $0 } ?? false
            }
            var columns: [String] = []
            var rows: [[ReportValue]] = []
            for end in ends {
                let part = try run(report, at: end, tenant: tenant, knownSeq: knownSeq)
                columns = part.0
                rows += part.1
            }
            if ends.isEmpty { columns = try run(report, at: time, tenant: tenant, knownSeq: knownSeq).0 }
            return (ends, columns, rows)
        }
    }

    /// What was recorded after the first head at which the report's time had passed and changes its rows.
    private func corrections(
        _ report: ReportDefinition, _ result: ReportResult, scope: [TenantRecord], tenant: TenantRecord?,
        knownSeq: Int64
    ) throws -> ReportCorrections {
        // Listed only when they change what the report says: the rows as known at the base differ.
        try corrections(tenants: scope.map(\.id), time: result.asOf, knownSeq: knownSeq) { base in
            try answer(report, at: result.asOf, scope: scope, tenant: tenant, knownSeq: base.seq, months: result.months)
                .rows != result.rows
        }
    }

    /// One run of the report's query with `:as_of` and `:tenant` bound (and `:previous`, the views answering at
    /// both times, when given).
    private func run(
        _ report: ReportDefinition, at time: String, previous: String? = nil, tenant: TenantRecord?, knownSeq: Int64?
    ) throws -> ([String], [[ReportValue]]) {
        do {
            return try withAsOf(points: [time] + (previous.map { [$0] } ?? []), knownSeq: knownSeq) { db in
                try Self.query(db, report, at: time, previous: previous, tenant: tenant?.name)
            }
        } catch let error as DatabaseError {
            throw ReportError("\(report.path): \(error.message ?? "\(error)")")
        }
    }

    private static func query(
        _ db: Database, _ report: ReportDefinition, at time: String, previous: String?, tenant: String?
    ) throws -> ([String], [[ReportValue]]) {
        let statement = try db.makeStatement(sql: report.sql)
        guard statement.isReadonly else {
            throw ReportError("\(report.path): a report is one SELECT query; this one would change the ledger")
        }
        var arguments: StatementArguments = ["as_of": time, "tenant": tenant]
        if let previous { arguments += ["previous": previous] }
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

    /// True when `time` is later than `last` (canonical or ISO-8601 UTC texts).
    static func isAfter(_ time: String, _ last: String) -> Bool {
        guard let t = UTCTime.parse(time), let l = UTCTime.parse(last) else { return time > last }
        return t > l
    }

    /// "partial: T is after the last run of tenant X (Y)…", naming every tenant whose last run is before T.
    static func partialText(_ time: String, _ uncovered: [(String, String)]) -> String {
        let runs = uncovered.map { "tenant \($0.0) last ran \(UTCTime.canonical($0.1) ?? $0.1)" }
        return
            "partial: \(time) is after the last run (\(runs.joined(separator: "; "))); what happened since is unknown"
            + " to the ledger"
    }
}
