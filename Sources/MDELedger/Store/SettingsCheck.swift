import Foundation
import GRDB

/// The settings part of `verify`. A tenant's starting settings (`tenant_added`) apply from the beginning of time,
/// so only the first event of a tenant may carry them: a second `tenant_added` appended later, even correctly
/// chained, would override every earlier answer. A setting whose effect starts before it was recorded is a
/// backdating: allowed (`tenant set … --effective`), but never silent — each one is listed.
enum SettingsCheck {
    static func verify(_ db: Database, into report: inout VerifyReport) throws {
        let added = try Row.fetchAll(
            db,
            sql: """
                SELECT e.seq, e.tenant, e.subject,
                       (SELECT min(x.seq) FROM events x WHERE x.tenant = e.tenant) AS first
                FROM events e WHERE e.kind = 'tenant_added' ORDER BY e.seq
                """)
        var seen: Set<Int64> = []
        for row in added {
            let tenant: Int64 = row["tenant"]
            let seq: Int64 = row["seq"]
            if !seen.insert(tenant).inserted {
                report.problems.append(
                    "event \(seq) adds \(row["subject"] as String) again: its settings would apply from the beginning "
                        + "and rewrite every earlier answer")
            } else if seq != (row["first"] as Int64) {
                report.problems.append(
                    "event \(seq) adds \(row["subject"] as String) after event \(row["first"] as Int64) of that tenant: "
                        + "its settings would apply from the beginning and rewrite earlier answers")
            }
        }
        // The local clock writes both times; a second apart is the same moment.
        for row in try Row.fetchAll(
            db,
            sql: """
                SELECT seq, subject, occurred_at, recorded_at, payload ->> '$.key' AS key, payload ->> '$.to' AS value
                FROM events WHERE kind = 'tenant_setting_changed'
                  AND strftime('%s', occurred_at) + 1 < strftime('%s', recorded_at)
                ORDER BY seq
                """)
        {
            report.notes.append(
                "event \(row["seq"] as Int64): \(row["subject"] as String) \(row["key"] as String? ?? "-") set to "
                    + "\(row["value"] as String? ?? "default") at \(row["recorded_at"] as String), backdated to take effect "
                    + "from \(row["occurred_at"] as String): answers about the time between changed when it was recorded"
            )
        }
    }
}
