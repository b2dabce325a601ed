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

/// Lower-case hex SHA-256 of UTF-8 text.
func sha256Hex(_ text: String) -> String {
    SHA256.hash(data: Data(text.utf8)).hexString
}
