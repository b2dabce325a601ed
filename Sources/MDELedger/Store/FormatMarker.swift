import Foundation
import GRDB
import MDEAPI

/// The Swift steps of migrations 0007 and 0009: record in the chain, not only in `ledger_formats`, from which
/// event and run on a ledger format applies. `verify` takes each boundary from the first such event; a table row
/// alone could be edited to switch checks off, and an event appended later cannot move a boundary the chain
/// already holds (a second marker of one format is itself a problem).
///
/// - Format 4 (0007): every failed run carries a `run_failed` event and every new tenant a `tenant_added` event.
/// - Format 5 (0009): no run shares the second of an earlier run of its tenant that wrote the same kind of
///   history (`RunTimeOrder`); before it, a server clock a little behind was recorded as the previous run's time.
enum FormatMarker {
    static let offboardSafety = 4
    static let timeOrder = 5

    /// The Swift step of each marking migration, by format.
    static func step(format: Int) -> @Sendable (Database, String, LedgerClock) throws -> Void {
        { db, migration, clock in try write(db, migration: migration, format: format, clock: clock) }
    }

    static func write(_ db: Database, migration: String, format: Int, clock: LedgerClock) throws {
        let seq = (try Int64.fetchOne(db, sql: "SELECT COALESCE(max(seq), 0) FROM events") ?? 0) + 1
        let firstRun = (try Int64.fetchOne(db, sql: "SELECT COALESCE(max(id), 0) FROM sync_runs") ?? 0) + 1
        try EventAppender(db, clock: clock).append(
            kind: "ledger_format", subject: "migration:\(migration)", tenant: nil, run: nil,
            occurredAt: clock.nowText(),
            payload: .object([
                "format": .int(Int64(format)), "first_event": .int(seq + 1), "first_run": .int(firstRun),
            ]))
        try db.execute(
            sql: "INSERT INTO ledger_formats (format, first_event, first_run) VALUES (?, ?, ?)",
            arguments: [format, seq + 1, firstRun])
    }

    /// A format's boundary as the chain records it, or nil on a ledger whose migration wrote no marker.
    static func boundary(_ db: Database, format: Int = offboardSafety) throws -> (firstEvent: Int64, firstRun: Int64)? {
        guard
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT payload ->> '$.first_event', payload ->> '$.first_run' FROM events
                    WHERE kind = 'ledger_format' AND payload ->> '$.format' = ? ORDER BY seq LIMIT 1
                    """, arguments: [format])
        else { return nil }
        return (row[0], row[1])
    }

    /// Formats marked more than once: only its migration writes a marker, so a second one was appended later.
    static func problems(_ db: Database) throws -> [String] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT payload ->> '$.format' AS format, group_concat(seq, ', ') AS seqs FROM events
                WHERE kind = 'ledger_format' GROUP BY 1 HAVING count(*) > 1 ORDER BY 1
                """
        ).map {
            "ledger format \($0["format"] as Int64) is marked by events \($0["seqs"] as String): only its migration "
                + "writes one marker, so the later ones were appended afterwards"
        }
    }
}
