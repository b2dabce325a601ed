import Foundation
import GRDB
import GRDBSQLite

/// The lifecycle answer at the ledger's head, kept in `kept_answers` so the default question reads it instead of
/// evaluating every device's rules (migration 0016).
///
/// The rows are what `physical_devices` (a superset of `device_states`) answers for each tenant's latest run knowing
/// everything recorded; they are used only while `kept_answers_head` names the ledger's head and this binary's
/// schema, so a stale or foreign copy falls back to the views and never changes an answer.
enum KeptAnswers {
    /// The schema the kept rows must have been worked out with: this binary's latest migration.
    static var schema: Int { Migration.bundled.last?.version ?? 0 }

    /// The kept head: its seq and common as-of, and whether it is the ledger's head under this binary's schema.
    private static func head(_ db: Database) throws -> (seq: Int64, schema: Int, asOf: String?, current: Bool)? {
        guard try db.tableExists("kept_answers_head", in: "main"),
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT head_seq, schema, as_of,
                        head_seq = (SELECT COALESCE(max(seq), 0) FROM events) AND schema = ? AS current
                    FROM main.kept_answers_head
                    """, arguments: [schema])
        else { return nil }
        return (row["head_seq"], row["schema"], row["as_of"], row["current"])
    }

    /// Whether the kept rows answer a question now: as of each tenant's latest run (`points` empty) or the one time
    /// every kept row is for, knowing everything (`knownSeq` nil or the head itself).
    /// Never inside a write transaction: rows it has written are not chained yet, so the head would not show them
    /// (a commit judges its own devices' new states from the rules, not from the answer before it).
    static func current(_ db: Database, points: [String] = [], knownSeq: Int64?) throws -> Bool {
        guard sqlite3_txn_state(db.sqliteConnection, "main") != SQLITE_TXN_WRITE, let head = try head(db),
            head.current
        else { return false }
        return (knownSeq == nil || knownSeq == head.seq) && (points.isEmpty || points == [head.asOf])
    }

    /// Works the answer out again and keeps it, unless the kept one is current. Returns whether it wrote.
    static func refresh(_ db: Database, now: String) throws -> Bool {
        guard try db.tableExists("kept_answers_head", in: "main"), try head(db)?.current != true else { return false }
        try LifecycleViews.setPoints(db, [], useKept: false)
        defer { try? LifecycleViews.setPoints(db, []) }
        let head = try Int64.fetchOne(db, sql: "SELECT COALESCE(max(seq), 0) FROM events") ?? 0
        try db.execute(sql: "DELETE FROM main.kept_answers_head")
        try db.execute(sql: "DELETE FROM main.kept_answers")
        // The view's own query: the kept rows cannot follow rules of their own.
        try db.execute(sql: "INSERT INTO main.kept_answers SELECT * FROM physical_devices")
        try db.execute(
            sql: """
                INSERT INTO main.kept_answers_head (one, head_seq, schema, as_of, kept_at)
                SELECT 1, ?, ?, CASE WHEN count(DISTINCT as_of) = 1 THEN min(as_of) END, ? FROM main.kept_answers
                """, arguments: [head, schema, now])
        return true
    }

    /// Compares the kept rows with the views worked out again at the kept head; adds what differs to `report`.
    /// A copy kept at an older head or schema is never read, so it is only noted.
    static func check(_ db: Database, into report: inout VerifyReport) throws {
        guard try db.tableExists("kept_answers_head", in: "main") else { return }
        guard let head = try head(db) else {
            let kept = try Int.fetchOne(db, sql: "SELECT count(*) FROM main.kept_answers") ?? 0
            if kept > 0 {
                report.notes.append(
                    "kept_answers holds \(kept) row(s) but kept_answers_head names no head: they are not read; the "
                        + "next command that records something writes them again")
            }
            return
        }
        guard head.current else {
            report.notes.append(
                "the kept answers (head \(head.seq), schema \(head.schema)) are older than the ledger and are not "
                    + "read; the next command that records something works them out again")
            return
        }
        // Worked out once (every device's rules), then compared both ways.
        try LifecycleViews.setPoints(db, [], useKept: false)
        try db.execute(sql: "DROP TABLE IF EXISTS temp.kept_answers_check")
        try db.execute(sql: "CREATE TEMP TABLE kept_answers_check AS SELECT * FROM physical_devices")
        defer {
            try? db.execute(sql: "DROP TABLE IF EXISTS temp.kept_answers_check")
            try? LifecycleViews.setPoints(db, [])
        }
        let differences = try Row.fetchAll(
            db,
            sql: """
                SELECT 'extra' AS side, machine_id
                FROM (SELECT * FROM main.kept_answers EXCEPT SELECT * FROM temp.kept_answers_check)
                UNION ALL
                SELECT 'missing', machine_id
                FROM (SELECT * FROM temp.kept_answers_check EXCEPT SELECT * FROM main.kept_answers)
                """)
        guard let example: String = differences.first?["machine_id"] else { return }
        let extra = differences.filter { $0["side"] == "extra" }.count
        report.problems.append(
            "kept_answers (the answers kept at head \(head.seq)) differ from the lifecycle views worked out again "
                + "from history: \(extra) kept row(s) the views do not give, \(differences.count - extra) row(s) of "
                + "the views not kept (device \(example)); either they or the history behind them were edited: the "
                + "full verify (without --since) names an edit of history; if it names none, run DELETE FROM "
                + "kept_answers_head, and the next command that records something writes them again")
    }
}

extension Ledger {
    /// Works out and keeps the answer at the ledger's head when the kept one is older (every command that records
    /// something calls this at its end). Returns whether it wrote. Costs one evaluation of every device's rules.
    @discardableResult
    public func keepAnswers() throws -> Bool {
        try dbQueue.write { db in try KeptAnswers.refresh(db, now: clock.nowText()) }
    }
}
