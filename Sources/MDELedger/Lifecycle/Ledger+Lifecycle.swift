import Foundation
import GRDB
import MDEAPI

extension Ledger {
    /// Device states as of a time, from the history alone.
    /// - Parameters:
    ///   - tenant: one tenant, or nil for all tenants.
    ///   - asOf: canonical UTC text; nil means each tenant's latest committed snapshot.
    ///   - state: only devices in this state.
    public func deviceStates(tenant: TenantRecord?, asOf: String?, state: DeviceState? = nil) throws -> [DeviceStateRow]
    {
        try withAsOf(asOf) { db in
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

    /// Runs `body` with `lifecycle_as_of` set to `asOf`, in a transaction that is always rolled back, so a
    /// question about the past never changes the ledger.
    func withAsOf<T>(_ asOf: String?, _ body: (Database) throws -> T) throws -> T {
        try dbQueue.inDatabase { db in
            var result: Result<T, Error>?
            try db.inTransaction(.deferred) {
                result = Result {
                    if let asOf {
                        try db.execute(sql: "INSERT INTO lifecycle_as_of (one, as_of) VALUES (1, ?)", arguments: [asOf])
                    }
                    return try body(db)
                }
                return .rollback
            }
            return try result!.get()
        }
    }

    /// The time a question "as of now" means for a tenant: its latest committed snapshot's observation time.
    static func latestSnapshotTime(_ db: Database, tenant: Int64) throws -> String? {
        try String.fetchOne(
            db, sql: "SELECT max(observed_at) FROM sync_runs WHERE tenant = ? AND status = 'committed'",
            arguments: [tenant])
    }
}

extension Ledger {
    /// The line that heads a device table: the time and thresholds the answer used (every report states them).
    public func describeScope(tenant: TenantRecord?, asOf: String?, count: Int) throws -> String {
        let tenants = try tenant.map { [$0] } ?? tenants()
        let parts = try dbQueue.read { db in
            try tenants.map { t -> String in
                let policy = try LifecyclePolicy.load(db, tenant: t.id)
                let time = try asOf ?? Self.latestSnapshotTime(db, tenant: t.id) ?? "no snapshot yet"
                return "tenant \(t.name) as of \(time) (offboard grace \(policy.offboardGraceHours) h, stale "
                    + "\(policy.staleHours) h, inactive \(policy.inactiveDays) d, retention \(policy.retentionDays) d)"
            }
        }
        return "# \(count) devices; " + parts.joined(separator: "; ")
    }
}
