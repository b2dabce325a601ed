import Foundation
import GRDB

/// Compares the ledger's schema with the one this binary's migrations produce.
///
/// A dropped trigger is how someone would quietly edit history, so `verify` names every table, index,
/// trigger or view that differs from what the migrations create.
enum SchemaCheck {
    static func differences(_ db: Database) throws -> [String] {
        let actual = try objects(db)
        let applied = try Set(String.fetchAll(db, sql: "SELECT name FROM schema_migrations"))
        let reference = try DatabaseQueue()
        let expected = try reference.write { refDB -> [String: String] in
            try refDB.execute(sql: Migrator.bookkeepingSQL)
            for migration in Migration.bundled where applied.contains(migration.name) {
                try refDB.execute(sql: migration.sql)
            }
            return try objects(refDB)
        }
        var problems: [String] = []
        for (name, sql) in expected.sorted(by: { $0.key < $1.key }) {
            guard let found = actual[name] else {
                problems.append("schema object \(name) is missing (dropped outside the migrations)")
                continue
            }
            if found != sql { problems.append("schema object \(name) differs from its migration") }
        }
        for name in actual.keys.sorted() where expected[name] == nil {
            problems.append("schema object \(name) was added outside the migrations")
        }
        return problems
    }

    /// SQLite's own objects that carry SQL text, by exact name. (`LIKE 'sqlite_%'` would also hide a
    /// `sqlitex_…` trigger someone added: in LIKE, `_` matches any character.) Automatic indexes have no SQL.
    static let internalObjects: Set<String> = [
        "sqlite_sequence", "sqlite_stat1", "sqlite_stat2", "sqlite_stat3", "sqlite_stat4",
    ]

    private static func objects(_ db: Database) throws -> [String: String] {
        let rows = try Row.fetchAll(
            db, sql: "SELECT type || ' ' || name, sql, name FROM sqlite_master WHERE sql IS NOT NULL"
        ).filter { !internalObjects.contains($0[2]) }
        return Dictionary(rows.map { ($0[0], $0[1]) }, uniquingKeysWith: { first, _ in first })
    }
}
