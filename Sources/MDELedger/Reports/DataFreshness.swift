import Foundation
import GRDB
import MDEAPI

/// How old the data behind an answer is: per tenant, the last committed MDE run at or before T and the last Graph
/// read, with their age at T, and a warning when the MDE run is older than the tenant's stale threshold (every
/// device would then look stale for want of a sync, not for want of telemetry). Every report format states it.
enum DataFreshness {
    /// One line per tenant, inside `withAsOf` (the knowledge point limits the runs it may name).
    static func lines(_ db: Database, tenants: [TenantRecord], asOf: String, staleHours: [String: Int]) throws
        -> [String]
    {
        guard let time = UTCTime.parse(asOf) else { return [] }
        return try tenants.map { tenant in
            let mde = try Row.fetchOne(
                db,
                sql: """
                    SELECT id, observed_at FROM sync_runs
                    WHERE tenant = ? AND status = 'committed' AND observed_at IS NOT NULL AND observed_at <= ?
                      AND id <= (SELECT known_run FROM lifecycle_knowledge)
                    ORDER BY observed_at DESC, id DESC LIMIT 1
                    """, arguments: [tenant.id, asOf])
            let graph = try Row.fetchOne(
                db,
                sql: """
                    SELECT run, payload ->> '$.graph_observed_at' FROM events
                    WHERE tenant = ? AND kind = 'run_committed' AND payload ->> '$.kind' = 'graph'
                      AND payload ->> '$.graph_observed_at' <= ? AND seq <= (SELECT known_seq FROM lifecycle_knowledge)
                    ORDER BY seq DESC LIMIT 1
                    """, arguments: [tenant.id, asOf])
            var line = "tenant \(tenant.name): "
            guard let mde, let observed = UTCTime.parse(mde[1] as String) else {
                return line + "no MDE run at or before this time"
            }
            let hours = Int(time.timeIntervalSince(observed) / 3600)
            line += "MDE run \(mde[0] as Int64) observed \(mde[1] as String), \(hours) h before this time"
            if let graph {
                line += "; Graph read by run \(graph[0] as Int64), Graph's time \(graph[1] as String)"
            } else {
                line += "; Graph not read"
            }
            if let limit = staleHours[tenant.name], hours > limit {
                line +=
                    "; WARNING: older than stale_hours (\(limit) h): devices look stale for want of a sync; "
                    + "run 'mde-ledger sync'"
            }
            return line
        }
    }
}
