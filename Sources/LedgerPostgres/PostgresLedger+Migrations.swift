import Foundation
import Logging
import MDELedger
import PostgresNIO

extension PostgresLedger {
    static let bookkeepingSQL = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version     bigint PRIMARY KEY,
            name        text NOT NULL,
            checksum    text NOT NULL,
            applied_at  text NOT NULL
        )
        """

    /// Serialises migrators of one database (two `mde-ledger migrate` at once): a transaction-level advisory lock,
    /// released by the commit. The number is arbitrary but fixed ("mde-ledger" in ASCII, truncated).
    static let migrationLockKey: Int64 = 0x6D64_652D_6C65_6467

    /// Applies every pending migration, each in one transaction with its `schema_migrations` row. Returns the names
    /// applied. Refuses a database whose applied migrations differ from this binary's files.
    public func migrate(clock: LedgerClock = .system) async throws -> [String] {
        let migrations = Self.migrations
        let logger = self.logger
        return try await client.withConnection { connection in
            var done: [String] = []
            for migration in migrations {
                let applied = try await Self.transaction(on: connection, logger: logger) { connection in
                    try await connection.query("SELECT pg_advisory_xact_lock(\(Self.migrationLockKey))", logger: logger)
                    try await connection.query(PostgresQuery(unsafeSQL: Self.bookkeepingSQL), logger: logger)
                    let rows = try await Self.appliedRows(connection, logger: logger)
                    try Migration.check(applied: rows, against: migrations, folder: "migrations/postgres")
                    if rows.contains(where: { $0.version == migration.version }) { return false }
                    try await Self.executeScript(migration.sql, on: connection, logger: logger)
                    try await connection.query(
                        """
                        INSERT INTO schema_migrations (version, name, checksum, applied_at)
                        VALUES (\(migration.version), \(migration.name), \(migration.checksum), \(clock.nowText()))
                        """, logger: logger)
                    return true
                }
                if applied { done.append(migration.name) }
            }
            return done
        }
    }

    /// `withTransaction`, rethrowing the error that made it roll back as itself (a `MigrationError` stays one).
    static func transaction<Result>(
        on connection: PostgresConnection, logger: Logger, _ body: (PostgresConnection) async throws -> sending Result
    ) async throws -> sending Result {
        do {
            return try await connection.withTransaction(logger: logger, body)
        } catch let error as PostgresTransactionError {
            throw error.closureError ?? error.beginError ?? error.commitError ?? error
        }
    }

    /// Runs a file of many statements in the current transaction. postgres-nio speaks only the extended query
    /// protocol, which takes one statement at a time; PL/pgSQL's EXECUTE takes many, so the file goes inside a
    /// `DO` block as a dollar-quoted string (our own files, so the quote tag cannot occur in them).
    static func executeScript(_ sql: String, on connection: PostgresConnection, logger: Logger) async throws {
        let tag = "$mde_ledger_script$"
        precondition(!sql.contains(tag), "a migration contains the quote tag \(tag)")
        try await connection.query(
            PostgresQuery(unsafeSQL: "DO $mde_ledger_do$ BEGIN EXECUTE \(tag)\(sql)\(tag); END $mde_ledger_do$"),
            logger: logger)
    }

    /// Applied and pending migrations. Throws when the database disagrees with this binary.
    public func migrationStatus() async throws -> [MigrationStatus] {
        let logger = self.logger
        let applied = try await client.withConnection { try await Self.appliedRows($0, logger: logger) }
        try Migration.check(applied: applied, against: Self.migrations, folder: "migrations/postgres")
        return Migration.status(applied: applied, of: Self.migrations)
    }

    static func appliedRows(_ connection: PostgresConnection, logger: Logger) async throws -> [AppliedMigration] {
        let exists =
            try await connection.query(
                "SELECT to_regclass('schema_migrations') IS NOT NULL", logger: logger
            ).collect().first?.decode(Bool.self) ?? false
        guard exists else { return [] }
        var rows: [AppliedMigration] = []
        let sequence = try await connection.query(
            "SELECT version, name, checksum, applied_at FROM schema_migrations ORDER BY version", logger: logger)
        for try await (version, name, checksum, appliedAt) in sequence.decode((Int, String, String, String).self) {
            rows.append(AppliedMigration(version: version, name: name, checksum: checksum, appliedAt: appliedAt))
        }
        return rows
    }
}
