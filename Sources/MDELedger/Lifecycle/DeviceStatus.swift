import Foundation
import GRDB

/// The answer to "is this device still sending telemetry?": a verdict and the evidence behind it.
public struct DeviceStatus: Sendable, Codable {
    /// One dated fact from the ledger's history.
    public struct Evidence: Sendable, Hashable, Codable {
        public var time: String
        public var kind: String
        public var detail: String
    }

    public var device: DeviceStateRow
    /// One sentence: the state and its key facts.
    public var verdict: String
    /// The thresholds the verdict used.
    public var policy: LifecyclePolicy
    /// Oldest first.
    public var evidence: [Evidence]
    /// The device's JSON document as the ledger last received it at or before the as-of time.
    public var document: String?
    /// The ledger's chain head (`seq:hash`) the answer was computed from; `verify --head` proves it later.
    public var head: String
    /// The other MDE ids of the same physical device (re-imaged or re-onboarded), or nil when it has none.
    public var physicalDevice: PhysicalDevice?
    /// Facts about this device recorded after the first head at which its as-of time had passed that change
    /// its verdict, or none.
    public var corrections = ReportCorrections(base: nil, items: [])
}

extension Ledger {
    /// The status of one device as of a time (nil: its tenant's latest snapshot).
    /// - Parameter query: an MDE device id, an `aadDeviceId`, or an exact DNS or host name.
    /// - Throws: `DeviceLookupError` when nothing or several machines match (listing them).
    /// - Parameter knownAt: answer with only what was recorded at or before this head, and name it.
    public func deviceStatus(
        _ query: String, tenant: TenantRecord?, asOf: String?, knownAt: KnownAt? = nil
    ) throws -> DeviceStatus {
        var status = try statusWithoutCorrections(query, tenant: tenant, asOf: asOf, knownAt: knownAt)
        status.corrections = try deviceCorrections(status, knownSeq: knownAt?.seq)
        return status
    }

    /// What was recorded about the device after the first head at which its as-of time had passed, listed when
    /// the device's state row as known at that head differs from the answer's.
    private func deviceCorrections(_ status: DeviceStatus, knownSeq: Int64?) throws -> ReportCorrections {
        let row = status.device
        let tenant = try resolveTenant(TenantSelection(name: row.tenant), create: false).id
        return try corrections(
            tenants: [tenant], time: row.asOf, knownSeq: knownSeq ?? latestEventSeq(), machine: row.id
        ) { base in
            try withAsOf(points: [row.asOf], knownSeq: base.seq) { db -> DeviceStateRow? in
                try LifecycleViews.setDevices(db, [row.id])
                return try Row.fetchOne(
                    db, sql: DeviceStateRow.selectSQL + " WHERE tenant = ? AND machine_id = ?",
                    arguments: [tenant, row.id]
                ).map(DeviceStateRow.init(row:))
            } != row
        }
    }

    private func statusWithoutCorrections(
        _ query: String, tenant: TenantRecord?, asOf: String?, knownAt: KnownAt?
    ) throws -> DeviceStatus {
        try withAsOf(points: asOf.map { [$0] } ?? [], knownSeq: knownAt?.seq) { db in
            let match = try DeviceLookup.one(db, query: query, tenant: tenant?.id)
            try LifecycleViews.setDevices(db, [match.id])
            guard
                let row = try Row.fetchOne(
                    db, sql: DeviceStateRow.selectSQL + " WHERE tenant = ? AND machine_id = ?",
                    arguments: [match.tenant, match.id])
            else {
                throw DeviceLookupError(
                    description: "device \(match.id) was not yet known to the ledger at \(asOf ?? "that time")")
            }
            let device = DeviceStateRow(row: row)
            let policy = try LifecyclePolicy.inForce(db, tenant: match.tenant) ?? LifecyclePolicy()
            let evidence = try DeviceEvidence.collect(
                db, tenant: match.tenant, machine: match.id, asOf: device.asOf, retiredVia: device.retiredVia,
                aadDeviceId: device.aadDeviceId)
            let physical = try PhysicalDevice.of(db, tenant: match.tenant, device: device)
            let document = try String.fetchOne(
                db,
                sql: """
                    SELECT raw_json FROM machine_history
                    WHERE tenant = ? AND machine_id = ? AND observed_at <= ? AND raw_json IS NOT NULL
                      AND run <= (SELECT known_run FROM lifecycle_knowledge)
                    ORDER BY run DESC LIMIT 1
                    """, arguments: [match.tenant, match.id, device.asOf])
            return DeviceStatus(
                device: device, verdict: VerdictText.sentence(device, policy: policy), policy: policy,
                evidence: evidence, document: document, head: try knownAt?.head ?? Self.chainHead(db),
                physicalDevice: physical)
        }
    }
}

extension LifecyclePolicy {
    /// The thresholds in force at the as-of time the views answer for (inside `withAsOf`), from the settings
    /// history in the hash chain; nil when the tenant has no as-of time (no committed run yet).
    static func inForce(_ db: Database, tenant: Int64) throws -> LifecyclePolicy? {
        guard
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT offboard_grace_hours, stale_hours, inactive_days, retention_days, removal_days
                    FROM lifecycle_params WHERE tenant = ? ORDER BY as_of DESC LIMIT 1
                    """, arguments: [tenant])
        else { return nil }
        return LifecyclePolicy(row: row)
    }

    /// The thresholds of a lifecycle view's row, by the column names `lifecycle_params` gives them.
    init(row: Row) {
        self.init()
        offboardGraceHours = row["offboard_grace_hours"]
        staleHours = row["stale_hours"]
        inactiveDays = row["inactive_days"]
        retentionDays = row["retention_days"]
        removalDays = row["removal_days"]
    }

    /// A tenant's current thresholds from `tenant_settings` (for `tenant list`), defaults for keys not set.
    static func load(_ db: Database, tenant: Int64) throws -> LifecyclePolicy {
        var policy = LifecyclePolicy()
        for row in try Row.fetchAll(
            db, sql: "SELECT key, value FROM tenant_settings WHERE tenant = ?", arguments: [tenant])
        {
            let key: String = row["key"]
            if Self.keys.contains(key) { try policy.set(key, to: row["value"]) }
        }
        return policy
    }
}
