import Foundation
import GRDB
import MDEAPI

/// Writes the staged machines: history rows for changes, the derived `device_latest`, and events.
///
/// A device whose only change is `lastSeen` gets one narrow `device_sightings` row; any other change (a
/// tracked field, presence, or anything else in its document) gets a `machine_observations` row pointing at
/// its stored document. An unchanged device writes nothing.
enum MachineSnapshotWriter {
    static func apply(_ ctx: SnapshotContext) throws {
        try writeChanges(ctx)
        if ctx.complete { try markRemoved(ctx) }
    }

    /// One staged machine that differs from the current state, as the diff query returns it.
    private struct Change {
        var id: String
        var new: [DatabaseValue]
        var document: [DatabaseValue]
        var isNew: Bool
        var wasPresent: Bool
        var device: Int64?
        var documentChanged: Bool
        var old: [DatabaseValue]
    }

    private static let diffSQL: String = {
        let tracked = MachineColumns.tracked
        let differs = tracked.map { "s.\($0) IS NOT m.\($0)" }.joined(separator: " OR ")
        return """
            SELECT s.id, \(tracked.map { "s.\($0)" }.joined(separator: ", ")), s.body, s.ls_offset, s.ls_fraction,
                   m.id IS NULL, m.present, m.device,
                   s.body IS NOT d.body OR s.ls_offset IS NOT m.last_seen_offset,
                   \(tracked.map { "m.\($0)" }.joined(separator: ", "))
            FROM temp.staged_machines s
            LEFT JOIN machines m ON m.tenant = ? AND m.id = s.id
            LEFT JOIN raw_documents d ON d.id = m.document
            WHERE m.id IS NULL OR m.present = 0 OR \(differs)
               OR s.body IS NOT d.body OR s.ls_offset IS NOT m.last_seen_offset
               OR s.ls_fraction IS NOT m.last_seen_fraction
            ORDER BY s.id
            """
    }()

    /// New machines, machines whose fields or document changed, and machines back after a removal.
    private static func writeChanges(_ ctx: SnapshotContext) throws {
        let n = MachineColumns.tracked.count
        let rows = try Row.fetchCursor(ctx.db, sql: diffSQL, arguments: [ctx.tenant])
        while let row = try rows.next() {
            let columns = Array(row.databaseValues)
            let change = Change(
                id: row[0], new: Array(columns[1...n]), document: Array(columns[(n + 1)...(n + 3)]),
                isNew: row[n + 4], wasPresent: (row[n + 5] as Int64?) == 1, device: row[n + 6],
                documentChanged: row[n + 7] ?? true, old: Array(columns[(n + 8)...]))
            try write(ctx, change)
        }
    }

    private static func write(_ ctx: SnapshotContext, _ c: Change) throws {
        let changedColumns = c.isNew ? [] : zip(MachineColumns.tracked, zip(c.old, c.new)).filter { $0.1.0 != $0.1.1 }
        let device = try c.device ?? DeviceKeys.key(ctx.db, tenant: ctx.tenant, machineId: c.id)
        let onlyLastSeen =
            !c.isNew && c.wasPresent && !c.documentChanged && c.document[1] != .null
            && changedColumns.allSatisfy { $0.0 == "last_seen" }
        if onlyLastSeen, let seconds = String.fromDatabaseValue(c.new[lastSeenIndex]).flatMap(UTCTime.epochSeconds) {
            try ctx.db.cachedStatement(
                sql: "INSERT INTO device_sightings (run, device, last_seen, fraction) VALUES (?, ?, ?, ?)"
            ).execute(arguments: [ctx.run, device, seconds, c.document[2]])
            try ctx.db.cachedStatement(
                sql: "UPDATE device_latest SET sighting = ?, last_seen = ?, fraction = ? WHERE device = ?"
            ).execute(arguments: [ctx.run, seconds, c.document[2], device])
            ctx.observationsWritten += 1
            ctx.sightingsWritten += 1
        } else {
            let documentID = try DocumentStore.put(ctx.db, body: String.fromDatabaseValue(c.document[0]) ?? "")
            try insertObservation(
                ctx, id: c.id, device: device, present: true, values: c.new,
                document: [documentID.databaseValue, c.document[1], c.document[2]])
        }
        // A new device is recorded by its observation row, which the run's digest covers; an event per device
        // of a first sync would double the ledger. run_committed counts them.
        if c.isNew {
            ctx.discovered += 1
        } else if !c.wasPresent {
            ctx.reappeared += 1
            try ctx.event("device_reappeared", subject: c.id, summary(c.new))
        }
        let loud = changedColumns.filter { !MachineColumns.quiet.contains($0.0) }
        if !c.isNew && !loud.isEmpty {
            ctx.changed += 1
            var changes: [String: JSONValue] = [:]
            for (column, pair) in loud { changes[column] = .array([pair.0.json, pair.1.json]) }
            try ctx.event("device_changed", subject: c.id, ["changes": .object(changes)])
        }
    }

    private static let lastSeenIndex = MachineColumns.tracked.firstIndex(of: "last_seen")!

    /// Devices present in the ledger but missing from a complete snapshot.
    private static func markRemoved(_ ctx: SnapshotContext) throws {
        let staged = try Int.fetchOne(ctx.db, sql: "SELECT count(*) FROM temp.staged_machines") ?? 0
        let tracked = MachineColumns.tracked
        let sql = """
            SELECT m.id, m.device, \(tracked.map { "m.\($0)" }.joined(separator: ", ")) FROM machines m
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
            let values = Array(Array(row.databaseValues)[2...])
            try insertObservation(
                ctx, id: id, device: row[1], present: false, values: values, document: [.null, .null, .null])
            ctx.removed += 1
            var payload = summary(values)
            payload["reason"] = .string("not in a complete snapshot: retention expired or deleted")
            try ctx.event("device_removed", subject: id, payload)
        }
    }

    /// Appends a full observation row and makes it the device's latest in `device_latest`.
    private static func insertObservation(
        _ ctx: SnapshotContext, id: String, device: Int64, present: Bool, values: [DatabaseValue],
        document: [DatabaseValue]
    ) throws {
        let statement = try ctx.db.cachedStatement(sql: MachineColumns.observationSQL)
        let head: [DatabaseValue] = [
            ctx.tenant.databaseValue, id.databaseValue, ctx.run.databaseValue, ctx.observedAt.databaseValue,
            (present ? 1 : 0).databaseValue,
        ]
        try statement.execute(arguments: StatementArguments(head + values + document))
        try ctx.db.cachedStatement(
            sql: """
                INSERT INTO device_latest (device, tenant, observation) VALUES (?, ?, ?)
                ON CONFLICT (device) DO UPDATE
                SET observation = excluded.observation, sighting = NULL, last_seen = NULL, fraction = NULL
                """
        ).execute(arguments: [device, ctx.tenant, ctx.db.lastInsertedRowID])
        ctx.observationsWritten += 1
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
