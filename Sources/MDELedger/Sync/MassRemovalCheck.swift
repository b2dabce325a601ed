import Foundation
import GRDB

/// A complete snapshot that would mark too many present devices removed, refused before anything is written.
public struct MassRemovalRefused: Error, CustomStringConvertible, Sendable {
    public var present: Int
    public var missing: Int
    public var limitPercent: Int

    public var description: String {
        "the snapshot lacks \(missing) of the tenant's \(present) present devices (more than \(limitPercent)%), so it "
            + "would mark them all removed; nothing was written. If they really left, run again with "
            + "--allow-mass-removal (or raise the tenant's max_removal_percent); otherwise check the tenant, the "
            + "credentials or the export"
    }
}

/// The safety valve on removals (issue 12): a wrong tenant, a lost permission or a truncated export looks like
/// a complete snapshot without most devices, and removals are recorded in the append-only history for good.
enum MassRemovalCheck {
    /// Below this many removals a run is never refused (in a tiny tenant one device is already many percent).
    static let minimumRefused = 10

    /// Throws `MassRemovalRefused` when the staged complete snapshot lacks too many present devices.
    static func check(_ db: Database, tenant: Int64, complete: Bool, allowed: Bool) throws {
        guard complete, !allowed else { return }
        let staged = try Int.fetchOne(db, sql: "SELECT count(*) FROM temp.staged_machines") ?? 0
        guard staged > 0 else { return }  // an empty list removes nothing (see MachineSnapshotWriter)
        let present =
            try Int.fetchOne(
                db, sql: "SELECT count(*) FROM machines WHERE tenant = ? AND present = 1", arguments: [tenant])
            ?? 0
        let missing =
            try Int.fetchOne(
                db,
                sql: """
                    SELECT count(*) FROM machines m WHERE m.tenant = ? AND m.present = 1
                      AND NOT EXISTS (SELECT 1 FROM temp.staged_machines s WHERE s.id = m.id)
                    """, arguments: [tenant]) ?? 0
        let percent = try LifecyclePolicy.load(db, tenant: tenant).maxRemovalPercent
        if missing >= minimumRefused && missing * 100 > percent * present {
            throw MassRemovalRefused(present: present, missing: missing, limitPercent: percent)
        }
    }
}
