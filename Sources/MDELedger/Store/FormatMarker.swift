import Foundation
import GRDB
import MDEAPI

/// The Swift step of migration 0007: records in the chain, not only in `ledger_formats`, from which event and run
/// on format 4 applies — every failed run carries a `run_failed` event and every new tenant a `tenant_added`
/// event. `verify` takes the boundary from this event; a table row alone could be edited to switch checks off.
enum FormatMarker {
    static let format = 4

    static func run(_ db: Database, migration: String) throws {
        let seq = (try Int64.fetchOne(db, sql: "SELECT COALESCE(max(seq), 0) FROM events") ?? 0) + 1
        let firstRun = (try Int64.fetchOne(db, sql: "SELECT COALESCE(max(id), 0) FROM sync_runs") ?? 0) + 1
        try EventAppender(db).append(
            kind: "ledger_format", subject: "migration:\(migration)", tenant: nil, run: nil,
            occurredAt: UTCClock.nowText(),
            payload: .object([
                "format": .int(Int64(format)), "first_event": .int(seq + 1), "first_run": .int(firstRun),
            ]))
        try db.execute(
            sql: "INSERT INTO ledger_formats (format, first_event, first_run) VALUES (?, ?, ?)",
            arguments: [format, seq + 1, firstRun])
    }

    /// Format 4's boundary as the chain records it, or nil on a ledger whose 0007 migration wrote no marker.
    static func boundary(_ db: Database) throws -> (firstEvent: Int64, firstRun: Int64)? {
        guard
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT payload ->> '$.first_event', payload ->> '$.first_run' FROM events
                    WHERE kind = 'ledger_format' AND payload ->> '$.format' = 4 ORDER BY seq LIMIT 1
                    """)
        else { return nil }
        return (row[0], row[1])
    }
}
