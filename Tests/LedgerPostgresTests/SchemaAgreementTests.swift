import Foundation
import GRDB
import LedgerPostgres
import MDELedger
import MDETestSupport
import Testing

/// Every table of the PostgreSQL schema that also exists in the SQLite ledger has the same columns, in the same
/// order, with the same kind of value and the same NOT NULL and primary key: what a copy between the two needs to
/// keep every value, and every hash, byte for byte.
@Suite struct SchemaAgreementTests {
    /// Tables only the PostgreSQL ledger has: the tenant grants of row-level security.
    static let postgresOnly: Set<String> = ["tenant_grants"]

    struct Column: Equatable, CustomStringConvertible {
        var name: String
        var kind: String
        var notNull: Bool
        var primaryKey: Bool
        var description: String { "\(name) \(kind)\(notNull ? " NOT NULL" : "")\(primaryKey ? " PK" : "")" }
    }

    @Test func everyPostgresTableMirrorsItsSQLiteTable() async throws {
        let folder = try TemporaryFolder()
        _ = try Ledger.open(path: folder.path("l.sqlite"), create: true)
        let sqlite = try DatabaseQueue(path: folder.path("l.sqlite"))
        let location = try PostgresMigrationTests.newLedgerLocation()
        let ledger = try await PostgresLedger.open(location)
        _ = try await ledger.migrate()
        await ledger.close()

        let tables = try RunningPostgres.psql(
            location.database,
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' "
                + "AND table_type = 'BASE TABLE' ORDER BY table_name"
        ).split(separator: "\n").map(String.init).filter { !Self.postgresOnly.contains($0) }
        #expect(tables.contains("events") && tables.contains("schema_migrations"))
        for table in tables {
            let expected = try await sqlite.read { db in
                try Row.fetchAll(
                    db, sql: "SELECT name, type, \"notnull\", pk FROM pragma_table_info(?)", arguments: [table]
                )
                .map { row in
                    // INTEGER PRIMARY KEY is the rowid: never NULL although SQLite reports notnull = 0.
                    Column(
                        name: row[0], kind: Self.kind(sqlite: row[1]),
                        notNull: (row[2] as Int) == 1 || (row[3] as Int) > 0, primaryKey: (row[3] as Int) > 0)
                }
            }
            #expect(!expected.isEmpty, "\(table) is in the PostgreSQL schema but not in SQLite's")
            let actual = try RunningPostgres.psql(
                location.database,
                """
                SELECT c.column_name, c.data_type, c.is_nullable = 'NO',
                    EXISTS (SELECT 1 FROM information_schema.key_column_usage k
                        JOIN information_schema.table_constraints t USING (constraint_name, table_name)
                        WHERE t.constraint_type = 'PRIMARY KEY' AND k.table_name = c.table_name
                        AND k.column_name = c.column_name)
                FROM information_schema.columns c WHERE c.table_schema = 'public' AND c.table_name = '\(table)'
                ORDER BY c.ordinal_position
                """
            ).split(separator: "\n").map { line in
                let fields = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
                return Column(
                    name: fields[0], kind: Self.kind(postgres: fields[1]), notNull: fields[2] == "t",
                    primaryKey: fields[3] == "t")
            }
            #expect(actual == expected, "\(table): PostgreSQL \(actual) vs SQLite \(expected)")
        }
    }

    static func kind(sqlite type: String) -> String {
        switch type.uppercased() {
        case "INTEGER": "integer"
        case "TEXT": "text"
        case "BLOB": "bytes"
        case "REAL": "real"
        default: "other \(type)"
        }
    }

    static func kind(postgres type: String) -> String {
        switch type {
        case "bigint": "integer"
        case "text": "text"
        case "bytea": "bytes"
        case "double precision": "real"
        default: "other \(type)"
        }
    }
}
