import Foundation
import GRDB
import MDEAPI

/// Writes the staged machine actions: status history rows, the current-state table, and events.
enum ActionSnapshotWriter {
    static func apply(_ ctx: SnapshotContext) throws {
        let all = ActionColumns.all
        // The current row points at its latest observation, which holds the document (one copy, not two).
        let differs = (all.map { "s.\($0) IS NOT a.\($0)" } + ["s.raw_json IS NOT ao.raw_json"])
            .joined(separator: " OR ")
        let sql = """
            SELECT s.id, \(all.map { "s.\($0)" }.joined(separator: ", ")), s.raw_json,
                   a.id IS NULL, s.raw_json IS NOT ao.raw_json,
                   \(ActionColumns.tracked.map { "a.\($0)" }.joined(separator: ", "))
            FROM temp.staged_actions s
            LEFT JOIN machine_actions a ON a.tenant = ? AND a.id = s.id
            LEFT JOIN machine_action_observations ao ON ao.seq = a.observation
            WHERE a.id IS NULL OR \(differs)
            ORDER BY s.created_at, s.id
            """
        let rows = try Row.fetchCursor(ctx.db, sql: sql, arguments: [ctx.tenant])
        let n = all.count
        while let row = try rows.next() {
            let id: String = row[0]
            let columns = Array(row.databaseValues)
            let values = Array(columns[1...n])
            let raw: String = row[n + 1]
            let isNew: Bool = row[n + 2]
            let rawChanged: Bool = row[n + 3]
            let oldTracked = Array(columns[(n + 4)...])
            let byName = Dictionary(uniqueKeysWithValues: zip(all, values))
            let newTracked = ActionColumns.tracked.map { byName[$0]! }
            // Any change of the document is history (its raw JSON is evidence), not only a tracked column.
            var observation: Int64?
            if isNew || rawChanged || oldTracked != newTracked {
                observation = try insertObservation(ctx, id: id, byName: byName, raw: raw)
            }
            try upsertCurrent(ctx, id: id, values: values, observation: observation)
            // A new Offboard action is announced by an event (who asked, why); other new actions (scans,
            // isolations…) are recorded by their observation rows, which the run's digest covers.
            if isNew {
                ctx.actionsNew += 1
                guard String.fromDatabaseValue(byName["type"]!) == "Offboard" else { continue }
                var payload: [String: JSONValue] = [:]
                for column in [
                    "type", "status", "machine_id", "computer_dns_name", "requestor", "requestor_comment",
                    "created_at",
                ] {
                    payload[column] = byName[column]!.json
                }
                try ctx.event("action_observed", subject: id, payload)
            } else if oldTracked[0] != newTracked[0] {
                ctx.actionStatusChanges += 1
                try ctx.event(
                    "action_status_changed", subject: id,
                    [
                        "type": byName["type"]!.json, "machine_id": byName["machine_id"]!.json,
                        "from": oldTracked[0].json, "to": newTracked[0].json,
                        "last_update_at": byName["last_update_at"]!.json,
                    ])
            }
        }
    }

    /// Appends an action observation; returns its seq.
    private static func insertObservation(
        _ ctx: SnapshotContext, id: String, byName: [String: DatabaseValue], raw: String
    ) throws -> Int64 {
        let statement = try ctx.db.cachedStatement(sql: ActionColumns.observationSQL)
        let head: [DatabaseValue] = [
            ctx.tenant.databaseValue, id.databaseValue, ctx.run.databaseValue, ctx.observedAt.databaseValue,
        ]
        try statement.execute(
            arguments: StatementArguments(head + ActionColumns.observed.map { byName[$0]! } + [raw.databaseValue]))
        ctx.actionObservationsWritten += 1
        return ctx.db.lastInsertedRowID
    }

    /// `observation` is nil when this run wrote none: the row keeps pointing at its latest one.
    private static func upsertCurrent(
        _ ctx: SnapshotContext, id: String, values: [DatabaseValue], observation: Int64?
    ) throws {
        let statement = try ctx.db.cachedStatement(sql: ActionColumns.upsertCurrentSQL)
        let args: [DatabaseValue] =
            [ctx.tenant.databaseValue, id.databaseValue] + values
            + [observation.databaseValue, ctx.observedAt.databaseValue]
        try statement.execute(arguments: StatementArguments(args))
    }
}
