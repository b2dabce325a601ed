import Crypto
import Foundation

/// One schema change, `migrations/NNNN_name.sql`, identified by its number and checksummed by content.
public struct Migration: Sendable, Hashable {
    /// The number before the underscore: `1` for `0001_ledger`.
    public var version: Int
    /// The file stem: `0001_ledger`.
    public var name: String
    public var sql: String

    /// SHA-256 of the SQL text, hex. An applied migration whose file no longer matches is refused.
    public var checksum: String { sha256Hex(sql) }

    public init(name: String, sql: String) {
        precondition(name.count > 5 && Int(name.prefix(4)) != nil, "migration file names start with NNNN_")
        self.version = Int(name.prefix(4))!
        self.name = name
        self.sql = sql
    }

    /// The migrations bundled into this binary, in order.
    public static let bundled: [Migration] = EmbeddedSQL.migrations.map { Migration(name: $0.name, sql: $0.sql) }
}

/// One row of `schema_migrations`: a migration as a ledger recorded it.
public struct AppliedMigration: Sendable, Hashable {
    public var version: Int
    public var name: String
    public var checksum: String
    public var appliedAt: String

    public init(version: Int, name: String, checksum: String, appliedAt: String) {
        self.version = version
        self.name = name
        self.checksum = checksum
        self.appliedAt = appliedAt
    }
}

extension Migration {
    /// Refuses a ledger that has a migration this binary does not know, or one whose file changed since it was
    /// applied: running on a schema we did not write would undermine every answer. `folder` names where the files
    /// live (`migrations`, `migrations/postgres`), for the message.
    public static func check(applied: [AppliedMigration], against migrations: [Migration], folder: String) throws {
        for row in applied {
            guard let known = migrations.first(where: { $0.version == row.version }) else {
                throw MigrationError(
                    "the ledger has migration \(row.name), which this mde-ledger does not know; "
                        + "use a newer mde-ledger with this ledger")
            }
            guard known.checksum == row.checksum else {
                throw MigrationError(
                    "migration \(row.name) was applied with checksum \(row.checksum.prefix(12))… but this "
                        + "mde-ledger's file has \(known.checksum.prefix(12))…; released migrations must never be "
                        + "edited — restore \(folder)/\(row.name).sql or use the mde-ledger that created the ledger")
            }
        }
    }

    /// Each migration of `migrations` as applied (with its time) or pending.
    public static func status(applied: [AppliedMigration], of migrations: [Migration]) -> [MigrationStatus] {
        migrations.map { migration in
            let row = applied.first { $0.version == migration.version }
            return MigrationStatus(
                name: migration.name, state: row == nil ? .pending : .applied,
                appliedAt: row?.appliedAt, checksum: migration.checksum)
        }
    }
}

/// Lower-case hex SHA-256 of UTF-8 text.
func sha256Hex(_ text: String) -> String {
    SHA256.hash(data: Data(text.utf8)).hexString
}
