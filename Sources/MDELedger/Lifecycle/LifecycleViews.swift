import Foundation
import GRDB

/// Brings the as-of time to the lifecycle views without writing to the ledger file.
///
/// SQLite views in the main schema cannot read TEMP tables, so each connection gets TEMP tables
/// `lifecycle_as_of`, `lifecycle_known_at` and `lifecycle_devices` and TEMP copies of the lifecycle views; unqualified names in TEMP views (and in every
/// query mde-ledger runs) resolve to the TEMP objects first. The copies come from the migrations bundled in
/// this binary, not from the file, so a view edited in the file cannot change the tool's answers (and
/// `verify` reports the edit). A row a sqlite3 session left in the file's own `lifecycle_as_of` is shadowed.
enum LifecycleViews {
    /// The lifecycle views as the bundled migrations define them, in creation order (dependencies first).
    static let bundled: [(name: String, sql: String)] = {
        do {
            let reference = try DatabaseQueue()
            return try reference.write { db in
                try db.execute(sql: Migrator.bookkeepingSQL)
                for migration in Migration.bundled { try db.execute(sql: migration.sql) }
                return try Row.fetchAll(
                    db, sql: "SELECT name, sql FROM sqlite_master WHERE type = 'view' ORDER BY rowid"
                ).map { ($0[0], $0[1]) }
            }
        } catch {
            preconditionFailure("the bundled migrations do not apply to an empty database: \(error)")
        }
    }()

    /// Creates the TEMP table and views on this connection once; later calls only check that they exist.
    static func install(_ db: Database) throws {
        if try Bool.fetchOne(db, sql: "SELECT 1 FROM sqlite_temp_master WHERE name = 'lifecycle_as_of'") == true {
            return
        }
        try db.execute(sql: "CREATE TEMP TABLE lifecycle_as_of (as_of TEXT PRIMARY KEY)")
        try db.execute(
            sql:
                "CREATE TEMP TABLE lifecycle_known_at (one INTEGER PRIMARY KEY CHECK (one = 1), known_seq INTEGER NOT NULL)"
        )
        try db.execute(sql: "CREATE TEMP TABLE lifecycle_devices (machine_id TEXT PRIMARY KEY)")
        for view in bundled {
            guard view.sql.hasPrefix("CREATE VIEW ") else { continue }
            try db.execute(sql: "CREATE TEMP VIEW " + view.sql.dropFirst("CREATE VIEW ".count))
        }
    }

    /// Sets the times the views answer for (empty: each tenant's latest committed run), and what they may know:
    /// facts recorded at or before event `knownSeq` (nil: the latest head). The views answer for every device.
    /// - Parameter useKept: let `device_states` and `physical_devices` read the kept answers when they answer this
    ///   question (the latest run's, while they are current; `KeptAnswers`); false works them out from history.
    static func setPoints(_ db: Database, _ points: [String], knownSeq: Int64? = nil, useKept: Bool = true) throws {
        try install(db)
        try answerFromKept(db, useKept && KeptAnswers.current(db, points: points, knownSeq: knownSeq))
        try setDevices(db, [])
        try db.execute(sql: "DELETE FROM temp.lifecycle_known_at")
        if let knownSeq {
            try db.execute(
                sql: "INSERT INTO temp.lifecycle_known_at (one, known_seq) VALUES (1, ?)", arguments: [knownSeq])
        }
        try db.execute(sql: "DELETE FROM temp.lifecycle_as_of")
        let insert = try db.cachedStatement(sql: "INSERT OR IGNORE INTO temp.lifecycle_as_of (as_of) VALUES (?)")
        for point in points { try insert.execute(arguments: [point]) }
    }

    /// The views the kept answers stand in for, and the views that read them (migration 0016).
    private static let keptStandIns = [
        ("device_states", "kept_device_states"), ("physical_devices", "kept_physical_devices"),
    ]

    /// Points this connection's `device_states` and `physical_devices` at the kept answers, or back at the rules.
    /// Views are looked up by name when a statement is prepared, so every view and report reading them follows.
    private static func answerFromKept(_ db: Database, _ kept: Bool) throws {
        let now = try String.fetchOne(db, sql: "SELECT sql FROM sqlite_temp_master WHERE name = 'device_states'")
        guard (now?.hasSuffix("FROM kept_device_states") == true) != kept else { return }
        for (name, standIn) in keptStandIns {
            try db.execute(sql: "DROP VIEW IF EXISTS temp.\(name)")
            if kept {
                try db.execute(sql: "CREATE TEMP VIEW \(name) AS SELECT * FROM \(standIn)")
            } else if let view = bundled.first(where: { $0.name == name }) {
                try db.execute(sql: "CREATE TEMP VIEW " + view.sql.dropFirst("CREATE VIEW ".count))
            }
        }
    }

    /// Limits the views to the devices with these machine ids (empty: every device), so that a question about one
    /// device reads that device's rows only (migration 0015).
    static func setDevices(_ db: Database, _ machineIds: [String]) throws {
        try db.execute(sql: "DELETE FROM temp.lifecycle_devices")
        let insert = try db.cachedStatement(sql: "INSERT OR IGNORE INTO temp.lifecycle_devices (machine_id) VALUES (?)")
        for id in machineIds { try insert.execute(arguments: [id]) }
    }
}
