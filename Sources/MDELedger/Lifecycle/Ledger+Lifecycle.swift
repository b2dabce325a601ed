import Foundation
import GRDB
import MDEAPI

extension Ledger {
    /// Device states as of a time, from the history alone.
    /// - Parameters:
    ///   - tenant: one tenant, or nil for all tenants.
    ///   - asOf: canonical UTC text; nil means each tenant's latest committed snapshot.
    ///   - state: only devices in this state.
    public func deviceStates(
        tenant: TenantRecord?, asOf: String?, state: DeviceState? = nil, knownAt: KnownAt? = nil
    ) throws -> [DeviceStateRow] {
        try withAsOf(points: asOf.map { [$0] } ?? [], knownSeq: knownAt?.seq) { db in
            var sql = DeviceStateRow.selectSQL + " WHERE 1"
            var arguments: StatementArguments = []
            if let tenant {
                sql += " AND tenant = ?"
                arguments += [tenant.id]
            }
            if let state {
                sql += " AND state = ?"
                arguments += [state.rawValue]
            }
            sql += " ORDER BY tenant_name, computer_dns_name, machine_id"
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map(DeviceStateRow.init(row:))
        }
    }

    /// Runs `body` with the lifecycle views answering as of `asOf` (nil: each tenant's latest committed run).
    /// Nothing is written to the ledger file, so questions work on a read-only copy.
    func withAsOf<T>(_ asOf: String?, _ body: (Database) throws -> T) throws -> T {
        try withAsOf(points: asOf.map { [$0] } ?? [], body)
    }

    /// Runs `body` with the lifecycle views answering for every time in `points` (each view row carries its
    /// `as_of`), inside one read transaction so every statement sees the same committed history.
    func withAsOf<T>(points: [String], knownSeq: Int64? = nil, _ body: (Database) throws -> T) throws -> T {
        try dbQueue.inDatabase { db in
            try LifecycleViews.setPoints(db, points, knownSeq: knownSeq)
            defer { try? LifecycleViews.setPoints(db, []) }
            var result: Result<T, Error>?
            try db.inTransaction(.deferred) {
                result = Result { try body(db) }
                return .commit
            }
            return try result!.get()
        }
    }

    /// The chain head (`seq:hash`, `0:000…` for an empty chain) an answer is computed from.
    static func chainHead(_ db: Database) throws -> String {
        let row = try Row.fetchOne(db, sql: "SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1")
        return row.map { "\($0[0] as Int64):\($0[1] as String)" } ?? "0:\(EventChain.genesis)"
    }

    /// The time a question "as of now" means for a tenant: its latest committed snapshot's observation time,
    /// read from the hash-chained `run_committed` events rather than the editable `sync_runs` table.
    /// - Parameter knownSeq: only runs committed at or before this event (nil: every run).
    static func latestSnapshotTime(_ db: Database, tenant: Int64, knownSeq: Int64? = nil) throws -> String? {
        try String.fetchOne(
            db,
            sql: """
                SELECT max(occurred_at) FROM events
                WHERE tenant = ? AND kind = 'run_committed' AND payload ->> '$.retirements' IS NULL AND seq <= ?
                """, arguments: [tenant, knownSeq ?? Int64.max])
    }
}

extension Ledger {
    /// The line that heads a device table: the time and thresholds the answer used (every report states them).
    public func describeScope(
        tenant: TenantRecord?, asOf: String?, count: Int, knownAt: KnownAt? = nil
    ) throws -> String {
        let tenants = try tenant.map { [$0] } ?? tenants()
        let parts = try withAsOf(points: asOf.map { [$0] } ?? [], knownSeq: knownAt?.seq) { db in
            try tenants.map { t -> String in
                let policy = try LifecyclePolicy.inForce(db, tenant: t.id) ?? LifecyclePolicy()
                let known = try String.fetchOne(
                    db, sql: "SELECT as_of FROM lifecycle_params WHERE tenant = ?", arguments: [t.id])
                let time = asOf ?? known ?? "no snapshot yet"
                return "tenant \(t.name) as of \(time) (offboard grace \(policy.offboardGraceHours) h, stale "
                    + "\(policy.staleHours) h, inactive \(policy.inactiveDays) d, retention \(policy.retentionDays) d)"
            }
        }
        // An answer as known at an earlier head names that head: it is what reproduces the answer.
        let head = try knownAt?.head ?? withAsOf(asOf) { try Self.chainHead($0) }
        return "# \(count) device\(count == 1 ? "" : "s"); " + parts.joined(separator: "; ")
            + (knownAt == nil ? "; ledger head \(head)" : "; as known at \(head)")
    }
}
