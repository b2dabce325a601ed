import Foundation
import GRDB
import MDEAPI

/// How a sync reads machine actions: incrementally once the ledger has some.
///
/// The API filters actions by `creationDateTimeUtc` but not by last update (mde-api.md §4), so a sync lists
/// actions created since the newest one it holds minus an overlap, and re-reads by id every action it still
/// holds as Pending or InProgress that is older than that window: those are the only ones whose status can
/// still change.
public struct ActionSyncPlan: Sendable, Hashable {
    /// `creationDateTimeUtc ge …` filter, or nil for a full listing (an empty ledger).
    public var filter: String?
    /// Non-final actions created before the window, to fetch one by one.
    public var reread: [String]

    /// Actions are re-listed this far behind the newest creation time held, in case the service lists an
    /// action a little after its creation time (lastSeen-style lag).
    public static let overlap: TimeInterval = 86_400

    static func make(_ db: Database, tenant: TenantSelection) throws -> ActionSyncPlan {
        guard let record = try? Ledger.resolveTenant(db, tenant),
            let newest = try String.fetchOne(
                db, sql: "SELECT max(created_at) FROM machine_actions WHERE tenant = ?", arguments: [record.id]),
            let newestDate = UTCTime.parse(newest)
        else { return ActionSyncPlan(filter: nil, reread: []) }
        let since = UTCTime.format(newestDate.addingTimeInterval(-overlap))
        let open = try String.fetchAll(
            db,
            sql: """
                SELECT id FROM machine_actions
                WHERE tenant = ? AND status IN ('Pending', 'InProgress') AND (created_at IS NULL OR created_at < ?)
                ORDER BY created_at, id
                """, arguments: [record.id, since])
        return ActionSyncPlan(filter: "creationDateTimeUtc ge \(since)", reread: open)
    }
}

extension Ledger {
    /// The action listing a sync of this tenant should make.
    public func actionSyncPlan(tenant: TenantSelection) throws -> ActionSyncPlan {
        try dbQueue.read { db in try ActionSyncPlan.make(db, tenant: tenant) }
    }
}
