import Foundation
import GRDB
import MDEAPI

/// What `verify` found.
public struct VerifyReport: Sendable, Codable {
    public var schemaVersion = 0
    public var eventsChecked = 0
    public var runsChecked = 0
    /// The last event: print it on a report and prove later with `verify --head SEQ:HASH` that the ledger still
    /// holds it unchanged (the defence against someone who rewrites the whole tail of the file).
    public var headSeq: Int64 = 0
    public var headHash = EventChain.genesis
    /// `PRAGMA integrity_check` ran (every page, every index against its table); false with `quick`.
    public var integrityChecked = false
    /// The trusted head an incremental verify (`--since`) started from; nil for the full verify.
    public var since: String?
    /// Every problem found, the first broken event first. Empty means the ledger verified.
    public var problems: [String] = []
    /// What the checks could not establish though nothing failed (printed as `note:` lines).
    public var notes: [String] = []
    public var ok: Bool { problems.isEmpty }

    public init() {}

    /// `seq:hash` as `verify --head` takes it.
    public var head: String { "\(headSeq):\(headHash)" }
}

extension Ledger {
    /// Recomputes the schema, the event hash chain, each run's digest and the run bookkeeping.
    /// - Parameters:
    ///   - head: an earlier head (`seq`, `hash`) that must still be in the chain, unchanged.
    ///   - quick: skip `PRAGMA integrity_check`, which reads every page of the file.
    ///   - since: a trusted head (`seq`, `hash`): check only what was recorded after it — the events after it chain
    ///     from it, the runs committed after it match their digests and counts, their documents and the derived
    ///     state of the devices they touched agree with history — so a daily check takes seconds at any size. The
    ///     full verify (nil) checks everything, and stays the auditor's check.
    public func verify(
        head expectedHead: (seq: Int64, hash: String)? = nil, quick: Bool = false,
        since trusted: (seq: Int64, hash: String)? = nil
    ) throws -> VerifyReport {
        var report = try dbQueue.read { db in
            var report = VerifyReport()
            report.since = trusted.map { "\($0.seq):\($0.hash)" }
            guard try db.tableExists("schema_migrations") else {
                report.problems.append("\(path) holds no ledger (no schema_migrations table); check --db")
                return report
            }
            do {
                _ = try Migrator().status(db)
                report.schemaVersion = try Migrator().currentVersion(db)
            } catch let error as MigrationError {
                report.problems.append(error.description)
            }
            if !quick {
                // An index edited through writable_schema can disagree with its table while every row and the
                // schema text are intact; only integrity_check compares them (quick_check does not).
                let found = try String.fetchAll(db, sql: "PRAGMA integrity_check")
                if found != ["ok"] {
                    report.problems += found.prefix(20).map { "integrity_check: \($0)" }
                }
                report.integrityChecked = true
            }
            report.problems += try SchemaCheck.differences(db)
            let formats = try LedgerFormats(db)
            report.problems += formats.problems
            try ChainCheck.verify(db, formats: formats, into: &report, from: trusted)
            // The last run committed at or before the trusted head: history rows of later runs are checked.
            let trustedRun =
                try trusted.map { head in
                    try Int64.fetchOne(
                        db,
                        sql: "SELECT COALESCE(max(run), 0) FROM events WHERE kind = 'run_committed' AND seq <= ?",
                        arguments: [head.seq]) ?? 0
                }
            if let expectedHead {
                let found = try String.fetchOne(
                    db, sql: "SELECT hash FROM events WHERE seq = ?", arguments: [expectedHead.seq])
                if let problem = ChainWalk.headProblem(expected: expectedHead, found: found) {
                    report.problems.append(problem)
                }
                if let reshape = formats.reshapeEvent, reshape > expectedHead.seq {
                    report.notes.append(
                        "runs before \(formats.firstV3Run) were checked against the digests that event \(reshape) "
                            + "(history_reshaped, after head \(expectedHead.seq)) recorded, not against digests "
                            + "recorded at or before that head")
                }
            }
            try RunCheck.verify(db, formats: formats, into: &report, after: trusted.map { ($0.seq, trustedRun ?? 0) })
            try DocumentCheck.verify(db, into: &report, afterRun: trustedRun)
            try OutboxCheck.verify(db, into: &report)
            try SettingsCheck.verify(db, into: &report)
            try FailedRunCheck.verify(db, into: &report)
            if try db.tableExists("lifecycle_known_at"),
                (try Int.fetchOne(db, sql: "SELECT count(*) FROM main.lifecycle_known_at") ?? 0) > 0
            {
                report.problems.append(
                    "lifecycle_known_at holds a row left by a sqlite3 session; sqlite3 answers read it as what the "
                        + "ledger knew (mde-ledger's do not): run DELETE FROM lifecycle_known_at")
            }
            let leftover = try Int.fetchOne(db, sql: "SELECT count(*) FROM main.lifecycle_as_of") ?? 0
            if leftover > 0 {
                report.problems.append(
                    "lifecycle_as_of holds \(leftover) row(s) left by a sqlite3 session; sqlite3 answers read them as "
                        + "the as-of time (mde-ledger's do not): run DELETE FROM lifecycle_as_of")
            }
            if try db.tableExists("lifecycle_devices", in: "main"),
                (try Int.fetchOne(db, sql: "SELECT count(*) FROM main.lifecycle_devices") ?? 0) > 0
            {
                report.problems.append(
                    "lifecycle_devices holds rows left by a sqlite3 session; sqlite3 answers list only those devices "
                        + "(mde-ledger's do not): run DELETE FROM lifecycle_devices")
            }
            return report
        }
        // The answers questions read by default, against the rules worked out again (TEMP tables: not `read`).
        try dbQueue.inDatabase { db in
            try db.inTransaction(.deferred) {
                try KeptAnswers.check(db, into: &report)
                return .commit
            }
        }
        return report
    }
}

/// Which rules apply to which part of the history (`ledger_formats`, migration 0004).
struct LedgerFormats {
    /// Events from this seq on are format 2 (RFC 8785); `Int64.max` on a ledger before migration 0004.
    var firstV2Event: Int64 = .max
    /// Runs from this id on must each end with a `run_committed` event.
    var firstV2Run: Int64 = .max
    /// Runs from this id on use the compact history of migration 0006; earlier runs' digests are re-anchored.
    var firstV3Run: Int64 = .max
    /// Runs from this id on never share a second with an earlier run of the same stream (format 5, migration
    /// 0009); taken from the chain's marker.
    var firstV5Run: Int64 = .max

    init(_ db: Database) throws {
        guard try db.tableExists("ledger_formats") else { return }
        firstV5Run = try FormatMarker.boundary(db, format: FormatMarker.timeOrder)?.firstRun ?? .max
        problems += try FormatMarker.problems(db)
        if let row = try Row.fetchOne(db, sql: "SELECT first_event, first_run FROM ledger_formats WHERE format = 2") {
            firstV2Event = row["first_event"]
            firstV2Run = row["first_run"]
        }
        let table = try Int64.fetchOne(db, sql: "SELECT first_run FROM ledger_formats WHERE format = 3")
        firstV3Run = table ?? .max
        try deriveReshapeBoundary(db, table: table)
    }

    /// Problems with the formats themselves: what the table says against what the chain proves.
    var problems: [String] = []

    /// Which runs were re-anchored is decided by the chain, never by the `ledger_formats` table (an attacker can
    /// edit a table row; they cannot edit the chain below a head an auditor holds). Migration 0006 appended its
    /// `history_reshaped` event right after the old head it names, before any run of the compact format; its
    /// re-anchored runs are exactly the runs committed before it.
    private mutating func deriveReshapeBoundary(_ db: Database, table: Int64?) throws {
        let reshapes = try Row.fetchAll(
            db, sql: "SELECT seq, payload ->> '$.old_head' AS old_head FROM events WHERE kind = 'history_reshaped'")
        guard let reshape = reshapes.first else { return }
        let seq: Int64 = reshape["seq"]
        let before = try Row.fetchOne(db, sql: "SELECT seq, hash FROM events WHERE seq = ?", arguments: [seq - 1])
        let expectedOldHead = before.map { "\($0["seq"] as Int64):\($0["hash"] as String)" }
        if reshape["old_head"] as String? != expectedOldHead {
            problems.append(
                "the history_reshaped event \(seq) does not follow the head it names: only migration 0006 writes one, "
                    + "right after the old head")
        }
        let later = try Int64.fetchOne(
            db,
            sql: """
                SELECT min(seq) FROM events WHERE kind = 'run_committed' AND seq < ?
                  AND COALESCE(payload ->> '$.digest_version', 1) >= 3
                """, arguments: [seq])
        if let later {
            problems.append(
                "the history_reshaped event \(seq) comes after event \(later), a run of the compact format: it was "
                    + "appended later, not written by migration 0006")
        }
        let derived =
            try Int64.fetchOne(
                db, sql: "SELECT min(run) FROM events WHERE kind = 'run_committed' AND seq > ?", arguments: [seq])
            ?? (try Int64.fetchOne(db, sql: "SELECT COALESCE(max(id), 0) + 1 FROM sync_runs") ?? 1)
        if let table, table != derived {
            problems.append(
                "ledger_formats says the compact format starts at run \(table), the chain says run \(derived) (the "
                    + "table was edited)")
        }
        firstV3Run = derived
        reshapeEvent = seq
    }

    /// The `history_reshaped` event's seq, if the chain holds one.
    var reshapeEvent: Int64?

    func eventFormat(_ seq: Int64) -> Int { seq >= firstV2Event ? 2 : 1 }
}

/// The event hash chain.
enum ChainCheck {
    /// - Parameter upTo: check only the events up to this seq (`--known-at SEQ:HASH` proves its head this way).
    ///   - from: a trusted head: its event must still hash to it, and only the events after it are walked.
    static func verify(
        _ db: Database, formats: LedgerFormats, into report: inout VerifyReport, upTo: Int64 = .max,
        from trusted: (seq: Int64, hash: String)? = nil
    ) throws {
        var previous: (seq: Int64, hash: String) = (0, EventChain.genesis)
        if let trusted {
            guard try trustedHeadHolds(db, trusted, formats: formats, into: &report) else { return }
            previous = trusted
        }
        let rows = try Row.fetchCursor(
            db, sql: StoredEvent.selectSQL + " WHERE seq > ? AND seq <= ? ORDER BY seq",
            arguments: [previous.seq, upTo])
        var walk = ChainWalk(firstV2Event: formats.firstV2Event, from: previous)
        while let row = try rows.next() {
            let event = StoredEvent(row: row)
            if let problem = walk.next(event.fields, prevHash: event.prevHash, hash: event.hash) {
                report.problems.append(problem)
                return
            }
        }
        report.eventsChecked += walk.checked
        report.headSeq = walk.head.seq
        report.headHash = walk.head.hash
    }

    /// The trusted head's event is still in the ledger and still hashes, from its own fields and link, to the hash
    /// the auditor holds: what follows it can then be checked from there.
    private static func trustedHeadHolds(
        _ db: Database, _ trusted: (seq: Int64, hash: String), formats: LedgerFormats, into report: inout VerifyReport
    ) throws -> Bool {
        guard
            let event = try Row.fetchOne(db, sql: StoredEvent.selectSQL + " WHERE seq = ?", arguments: [trusted.seq])
                .map(StoredEvent.init(row:))
        else {
            report.problems.append(
                "head \(trusted.seq):\(trusted.hash) is gone: the ledger has no event \(trusted.seq) (its chain was cut or "
                    + "replaced); run the full verify")
            return false
        }
        guard event.hash == trusted.hash,
            EventChain.hash(prev: event.prevHash, event.fields, format: formats.eventFormat(trusted.seq))
                == trusted.hash
        else {
            report.problems.append(
                "head \(trusted.seq):\(trusted.hash) is gone: event \(trusted.seq) no longer hashes to it (the history up "
                    + "to it was rewritten); run the full verify")
            return false
        }
        return true
    }
}
