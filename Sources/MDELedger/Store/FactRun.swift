import Foundation
import GRDB

/// A run that records facts a person states (a withdrawal, an exception, an offboarding done by hand) rather than
/// a snapshot: the run row, the facts' chained events, and `run_committed` with the run's digest.
enum FactRun {
    /// Writes the run around `body`, which inserts the facts' rows and events and returns how many facts it wrote.
    /// `count` names that number in `run_committed`; `"retirements": 0` there marks the run as no snapshot, so
    /// the views never take its time for a sync's.
    static func record(
        _ db: Database, tenant: Int64, source: String, count key: String, clock: LedgerClock,
        _ body: (_ run: Int64, _ events: EventAppender, _ now: String) throws -> Int
    ) throws -> Int64 {
        let now = clock.nowText()
        try db.execute(
            sql: """
                INSERT INTO sync_runs (tenant, kind, status, complete, started_at, finished_at, observed_at, source)
                VALUES (?, 'import', 'committed', 0, ?, ?, NULL, ?)
                """, arguments: [tenant, now, now, source])
        let run = db.lastInsertedRowID
        let events = try EventAppender(db, clock: clock)
        let facts = try body(run, events, now)
        try events.append(
            kind: "run_committed", subject: "run:\(run)", tenant: tenant, run: run, occurredAt: now,
            payload: .object([
                "kind": .string("import"), "source": .string(source), "retirements": .int(0),
                key: .int(Int64(facts)),
                "digest_version": .int(Int64(RunDigest.currentVersion)),
                "observations_sha256": .string(try RunDigest.compute(db, run: run)),
            ]))
        try db.execute(
            sql: "UPDATE sync_runs SET events_written = ?, observations_written = ? WHERE id = ?",
            arguments: [events.written, facts, run])
        return run
    }
}
