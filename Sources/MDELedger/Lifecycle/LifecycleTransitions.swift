import Foundation
import GRDB
import MDEAPI

/// Derives lifecycle transitions after a commit and appends each as a hash-chained event, exactly once.
///
/// The states come from the `device_states` view as of the tenant's latest snapshot; `device_lifecycle`
/// remembers the last state of each device, so a re-run with nothing new appends nothing.
enum LifecycleTransitions {
    /// Returns the number of transition events appended.
    /// - Parameter asOf: the time to judge at; nil for the tenant's latest committed run. A sync passes its own
    ///   observation time, because its `run_committed` event (which makes it the latest) is appended last.
    static func apply(
        _ db: Database, tenant: Int64, run: Int64?, asOf: String? = nil, events: EventAppender
    ) throws -> Int {
        try LifecycleViews.setPoints(db, asOf.map { [$0] } ?? [])
        defer { try? LifecycleViews.setPoints(db, []) }
        var appended = 0
        // The changes go to a TEMP table first and are read back one at a time: a first sync of a million devices
        // has hundreds of thousands, too many to hold in memory, and the loop writes device_lifecycle, which the
        // query reads.
        try db.execute(
            sql: """
                DROP TABLE IF EXISTS temp.lifecycle_changes;
                CREATE TEMP TABLE lifecycle_changes AS
                SELECT s.machine_id, s.state, s.finding, s.as_of, s.last_seen, s.offboard_action, s.offboard_status,
                       s.offboard_requested_at, s.retired_at, s.retention_days, d.state AS previous
                FROM device_states s
                LEFT JOIN device_lifecycle d ON d.tenant = s.tenant AND d.machine_id = s.machine_id
                WHERE s.tenant = ? AND d.state IS NOT s.state
                ORDER BY s.machine_id
                """, arguments: [tenant])
        defer { try? db.execute(sql: "DROP TABLE IF EXISTS temp.lifecycle_changes") }
        let rows = try Row.fetchCursor(db, sql: "SELECT * FROM temp.lifecycle_changes ORDER BY rowid")
        while let row = try rows.next() {
            let id: String = row["machine_id"]
            let state: String = row["state"]
            let finding: Bool = row["finding"]
            let asOf: String = row["as_of"]
            let previous: String? = row["previous"]
            try db.cachedStatement(
                sql: """
                    INSERT INTO device_lifecycle (tenant, machine_id, state, finding, since) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (tenant, machine_id) DO UPDATE SET state = excluded.state, finding = excluded.finding,
                        since = excluded.since
                    """
            ).execute(arguments: [tenant, id, state, finding, asOf])
            // A device first seen in an ordinary state needs no event: its first observation row records it.
            if previous == nil && !finding && (state == "active" || state == "not-onboarded") { continue }
            guard let kind = DeviceState(rawValue: state)?.transitionEvent else { continue }
            var occurredAt = asOf
            let lastSeen: String? = row["last_seen"]
            if state == "retention-expired", let lastSeen, let date = UTCTime.parse(lastSeen) {
                // Retention expiry happens on a computed date, not when we noticed it.
                let days: Int = row["retention_days"]
                occurredAt = UTCTime.format(date.addingTimeInterval(Double(days) * 86_400))
            }
            var payload: [String: JSONValue] = [
                "from": previous.map(JSONValue.string) ?? .null, "to": .string(state), "finding": .bool(finding),
                "as_of": .string(asOf),
            ]
            for key in ["last_seen", "offboard_action", "offboard_status", "offboard_requested_at", "retired_at"] {
                let value: String? = row[key]
                if let value { payload[key] = .string(value) }
            }
            try events.append(
                kind: kind, subject: id, tenant: tenant, run: run, occurredAt: occurredAt, payload: .object(payload))
            appended += 1
        }
        return appended
    }
}
