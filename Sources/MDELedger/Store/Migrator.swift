import Foundation
import GRDB

/// The state of one migration in a ledger file.
public struct MigrationStatus: Sendable, Hashable {
    public enum State: String, Sendable { case applied, pending }
    public var name: String
    public var state: State
    public var appliedAt: String?
    public var checksum: String
}

/// Applies `migrations/*.sql` in order, each with its bookkeeping row in one transaction.
///
/// Unlike GRDB's `DatabaseMigrator` it records a checksum per migration and refuses a ledger whose applied
/// migrations differ from this binary's files, or that has migrations this binary does not know: silently
/// running on a schema we did not write would undermine every audit answer the ledger gives.
struct Migrator {
    var migrations: [Migration] = Migration.bundled

    static let bookkeepingSQL = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version     INTEGER PRIMARY KEY,
            name        TEXT NOT NULL,
            checksum    TEXT NOT NULL,
            applied_at  TEXT NOT NULL
        ) STRICT
        """

    /// Applied and pending migrations, read-only. Throws when the ledger disagrees with this binary.
    func status(_ db: Database) throws -> [MigrationStatus] {
        let applied = try appliedRows(db)
        try check(applied: applied)
        return Migration.status(applied: applied, of: migrations)
    }

    /// Applies every pending migration. Returns the names applied.
    func migrate(_ writer: some DatabaseWriter, clock: LedgerClock) throws -> [String] {
        let applied = try writer.write { db in
            try db.execute(sql: Self.bookkeepingSQL)
            return try appliedRows(db)
        }
        try check(applied: applied)
        var done: [String] = []
        for migration in migrations where !applied.contains(where: { $0.version == migration.version }) {
            try writer.write { db in
                try apply(migration, db, clock: clock)
                try db.execute(
                    sql: "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)",
                    arguments: [migration.version, migration.name, migration.checksum, clock.nowText()])
            }
            done.append(migration.name)
        }
        return done
    }

    /// The line in migration 0006's SQL where its Swift step runs (kept: the file's checksum includes it).
    static let swiftStepMarker = "-- mde-ledger: reshape history"

    /// The Swift steps of migrations, registered here by name: work SQLite cannot do alone (SHA-256, the chain).
    /// A step runs at the marker line when its SQL has one, else after the SQL, in the same transaction.
    static let swiftSteps: [String: @Sendable (Database, String, LedgerClock) throws -> Void] = [
        "0006_compact": { try HistoryReshape.run($0, migration: $1, clock: $2) },
        "0007_offboard_safety": FormatMarker.step(format: FormatMarker.offboardSafety),
        "0009_time_order": FormatMarker.step(format: FormatMarker.timeOrder),
    ]

    private func apply(_ migration: Migration, _ db: Database, clock: LedgerClock) throws {
        let marker = migration.sql.range(of: Self.swiftStepMarker)
        guard let step = Self.swiftSteps[migration.name] else {
            // A marker without a registered step would silently skip work the migration relies on.
            precondition(marker == nil, "migration \(migration.name) has a Swift step marker but no registered step")
            try db.execute(sql: migration.sql)
            return
        }
        guard let marker else {
            try db.execute(sql: migration.sql)
            try step(db, migration.name, clock)
            return
        }
        try db.execute(sql: String(migration.sql[..<marker.lowerBound]))
        try step(db, migration.name, clock)
        try db.execute(sql: String(migration.sql[marker.upperBound...]))
    }

    /// The highest applied version, or 0 for an empty file.
    func currentVersion(_ db: Database) throws -> Int {
        try appliedRows(db).map(\.version).max() ?? 0
    }

    private func appliedRows(_ db: Database) throws -> [AppliedMigration] {
        guard try db.tableExists("schema_migrations") else { return [] }
        return try Row.fetchAll(
            db, sql: "SELECT version, name, checksum, applied_at FROM schema_migrations ORDER BY version"
        )
        .map { AppliedMigration(version: $0[0], name: $0[1], checksum: $0[2], appliedAt: $0[3]) }
    }

    private func check(applied: [AppliedMigration]) throws {
        try Migration.check(applied: applied, against: migrations, folder: "migrations")
    }
}
