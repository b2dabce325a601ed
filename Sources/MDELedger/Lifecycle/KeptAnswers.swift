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

    /// Whether the kept rows answer a question now: as of each tenant's latest run (`points` empty) or the one time
    /// every kept row is for, knowing everything (`knownSeq` nil or the head itself).
    /// Never inside a write transaction: rows it has written are not chained yet, so the head would not show them
    /// (a commit judges its own devices' new states from the rules, not from the answer before it).
    static func current(_ db: Database, points: [String] = [], knownSeq: Int64?) throws -> Bool {
        guard sqlite3_txn_state(db.sqliteConnection, "main") != SQLITE_TXN_WRITE,
            try db.tableExists("kept_answers_head", in: "main"),
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT h.head_seq, h.schema, h.as_of, (SELECT COALESCE(max(seq), 0) FROM events) AS ledger_head
                    FROM main.kept_answers_head h
                    """)
        else { return false }
        let head: Int64 = row["head_seq"]
        let ledgerHead: Int64 = row["ledger_head"]
        let asOf: String? = row["as_of"]
        return head == ledgerHead && row["schema"] as Int == schema && (knownSeq == nil || knownSeq == head)
            && (points.isEmpty || (points.count == 1 && points[0] == asOf))
    }

    /// Whether the kept rows were worked out at the ledger's head by this schema (whatever the transaction).
    private static func isCurrentHead(_ db: Database) throws -> Bool {
        try Bool.fetchOne(
            db,
            sql: """
                SELECT h.head_seq = (SELECT COALESCE(max(seq), 0) FROM events) AND h.schema = ?
                FROM main.kept_answers_head h
                """, arguments: [schema]) ?? false
    }

    /// Works the answer out again and keeps it, unless the kept one is current. Returns whether it wrote.
    static func refresh(_ db: Database, now: String) throws -> Bool {
        guard try db.tableExists("kept_answers_head", in: "main"), try !isCurrentHead(db) else { return false }
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
        let kept = try Int.fetchOne(db, sql: "SELECT count(*) FROM main.kept_answers") ?? 0
        guard let row = try Row.fetchOne(db, sql: "SELECT head_seq, schema FROM main.kept_answers_head") else {
            if kept > 0 {
                report.notes.append(
                    "kept_answers holds \(kept) row(s) but kept_answers_head names no head: they are not read; the "
                        + "next command that records something writes them again")
            }
            return
        }
        let head: Int64 = row["head_seq"]
        guard try current(db, knownSeq: nil) else {
            report.notes.append(
                "the kept answers (head \(head), schema \(row["schema"] as Int)) are older than the ledger and are "
                    + "not read; the next command that records something works them out again")
            return
        }
        try LifecycleViews.setPoints(db, [], useKept: false)
        defer { try? LifecycleViews.setPoints(db, []) }
        let missing = try Int.fetchOne(
            db, sql: "SELECT count(*) FROM (SELECT * FROM physical_devices EXCEPT SELECT * FROM main.kept_answers)")
        let extra = try Int.fetchOne(
            db, sql: "SELECT count(*) FROM (SELECT * FROM main.kept_answers EXCEPT SELECT * FROM physical_devices)")
        if let missing, let extra, missing + extra > 0 {
            let example = try String.fetchOne(
                db,
                sql: """
                    SELECT machine_id FROM (SELECT * FROM main.kept_answers EXCEPT SELECT * FROM physical_devices)
                    UNION ALL
                    SELECT machine_id FROM (SELECT * FROM physical_devices EXCEPT SELECT * FROM main.kept_answers)
                    LIMIT 1
                    """)
            report.problems.append(
                "kept_answers (the answers kept at head \(head)) differ from the lifecycle views worked out again "
                    + "from history: \(extra) kept row(s) the views do not give, \(missing) row(s) of the views not "
                    + "kept" + (example.map { " (device \($0))" } ?? "")
                    + "; either they or the history behind them were edited: the full verify (without --since) "
                    + "names an edit of history; if it names none, run DELETE FROM kept_answers_head, and the next "
                    + "command that records something writes them again")
        }
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
