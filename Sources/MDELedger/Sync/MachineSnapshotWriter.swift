import Foundation
import GRDB
import MDEAPI

/// Writes the staged machines: observation rows for changes, the current-state table, and events.
enum MachineSnapshotWriter {
    static func apply(_ ctx: SnapshotContext) throws {
        try writeChanges(ctx)
        if ctx.complete { try markRemoved(ctx) }
    }

    /// New machines, machines whose tracked fields changed, and machines back after a removal.
    private static func writeChanges(_ ctx: SnapshotContext) throws {
        let tracked = MachineColumns.tracked
        let differs = (tracked + ["raw_json"]).map { "s.\($0) IS NOT m.\($0)" }.joined(separator: " OR ")
        let sql = """
            SELECT s.id, \(tracked.map { "s.\($0)" }.joined(separator: ", ")), s.raw_json,
                   m.id IS NULL, m.present, s.raw_json IS NOT m.raw_json,
                   \(tracked.map { "m.\($0)" }.joined(separator: ", "))
            FROM temp.staged_machines s
            LEFT JOIN machines m ON m.tenant = ? AND m.id = s.id
            WHERE m.id IS NULL OR m.present = 0 OR \(differs)
            ORDER BY s.id
            """
        let rows = try Row.fetchCursor(ctx.db, sql: sql, arguments: [ctx.tenant])
        let n = tracked.count
        while let row = try rows.next() {
            let id: String = row[0]
            let columns = Array(row.databaseValues)
            let new = Array(columns[1...n])
            let raw: String = row[n + 1]
            let isNew: Bool = row[n + 2]
            let wasPresent = (row[n + 3] as Int64?) == 1
            let rawChanged: Bool = row[n + 4]
            let old = Array(columns[(n + 5)...])
            let changedColumns = isNew ? [] : zip(tracked, zip(old, new)).filter { $0.1.0 != $0.1.1 }
            // Any change of the document is history (riskScore, lastIpAddress…), not only a tracked column.
            if isNew || !wasPresent || rawChanged || !changedColumns.isEmpty {
                try insertObservation(ctx, id: id, present: true, values: new, raw: raw)
            }
            try upsertCurrent(ctx, id: id, values: new, raw: raw, isNew: isNew)
            if isNew {
                ctx.discovered += 1
                try ctx.event("device_discovered", subject: id, summary(new))
            } else if !wasPresent {
                ctx.reappeared += 1
                try ctx.event("device_reappeared", subject: id, summary(new))
            }
            let loud = changedColumns.filter { !MachineColumns.quiet.contains($0.0) }
            if !isNew && !loud.isEmpty {
                ctx.changed += 1
                var changes: [String: JSONValue] = [:]
                for (column, pair) in loud { changes[column] = .array([pair.0.json, pair.1.json]) }
                try ctx.event("device_changed", subject: id, ["changes": .object(changes)])
            }
        }
    }

    /// Devices present in the ledger but missing from a complete snapshot.
    private static func markRemoved(_ ctx: SnapshotContext) throws {
        let staged = try Int.fetchOne(ctx.db, sql: "SELECT count(*) FROM temp.staged_machines") ?? 0
        let tracked = MachineColumns.tracked
        let sql = """
            SELECT m.id, \(tracked.map { "m.\($0)" }.joined(separator: ", ")) FROM machines m
            WHERE m.tenant = ? AND m.present = 1
              AND NOT EXISTS (SELECT 1 FROM temp.staged_machines s WHERE s.id = m.id)
            ORDER BY m.id
            """
        let missing = try Row.fetchAll(ctx.db, sql: sql, arguments: [ctx.tenant])
        // An empty machine list (the API answers 404 when it has "no recent machines") is far more often a
        // wrong tenant or a lost permission than a tenant whose every device left: never remove on it.
        if staged == 0 && !missing.isEmpty {
            ctx.warnings.append(
                "the snapshot lists no machines; \(missing.count) known devices were not marked removed")
            return
        }
        for row in missing {
            let id: String = row[0]
            let values = Array(Array(row.databaseValues)[1...])
            try insertObservation(ctx, id: id, present: false, values: values, raw: nil)
            try ctx.db.cachedStatement(sql: "UPDATE machines SET present = 0 WHERE tenant = ? AND id = ?")
                .execute(arguments: [ctx.tenant, id])
            ctx.removed += 1
            var payload = summary(values)
            payload["reason"] = .string("not in a complete snapshot: retention expired or deleted")
            try ctx.event("device_removed", subject: id, payload)
        }
    }

    private static func insertObservation(
        _ ctx: SnapshotContext, id: String, present: Bool, values: [DatabaseValue], raw: String?
    ) throws {
        let statement = try ctx.db.cachedStatement(sql: MachineColumns.observationSQL)
        let head: [DatabaseValue] = [
            ctx.tenant.databaseValue, id.databaseValue, ctx.run.databaseValue, ctx.observedAt.databaseValue,
            (present ? 1 : 0).databaseValue,
        ]
        try statement.execute(arguments: StatementArguments(head + values + [raw.databaseValue]))
        ctx.observationsWritten += 1
    }

    private static func upsertCurrent(
        _ ctx: SnapshotContext, id: String, values: [DatabaseValue], raw: String, isNew: Bool
    )
        throws
    {
        let statement = try ctx.db.cachedStatement(sql: MachineColumns.upsertCurrentSQL)
        let args: [DatabaseValue] =
            [ctx.tenant.databaseValue, id.databaseValue] + values
            + [raw.databaseValue, 1.databaseValue, ctx.observedAt.databaseValue]
        try statement.execute(arguments: StatementArguments(args))
    }

    /// The identifying fields of a device for an event payload.
    private static func summary(_ values: [DatabaseValue]) -> [String: JSONValue] {
        var payload: [String: JSONValue] = [:]
        for (column, value) in zip(MachineColumns.tracked, values)
        where ["computer_dns_name", "aad_device_id", "os_platform", "onboarding_status", "last_seen"].contains(column) {
            payload[column] = value.json
        }
        return payload
    }
}
