import Foundation
import GRDB
import Logging
import MDELedger
import PostgresNIO

/// `mde-ledger copy`: moves a SQLite ledger into an empty, migrated PostgreSQL ledger, keeping every row, value and
/// hash — every table the PostgreSQL schema has, in one transaction, through COPY.
public enum SQLiteToPostgres {
    /// The tables in the order their foreign keys need; every one exists in both schemas (SchemaAgreementTests).
    public static let tables = [
        "tenants", "tenant_settings", "sync_runs", "events", "device_keys", "raw_documents", "machine_observations",
        "device_sightings", "device_latest", "machine_action_observations", "machine_actions", "ledger_formats",
        "retirements", "retirement_withdrawals", "outbox_plans", "outbox_steps", "source_observations",
        "finding_exceptions", "exception_revocations", "manual_offboards",
    ]

    /// Rows read from SQLite per query: a page of the primary key at a time, so memory stays flat.
    static let pageRows = 5_000

    /// Rows copied per table, in `tables` order.
    public struct Summary: Sendable {
        public var counts: [(table: String, rows: Int)]
        public var head: String
    }

    /// Copies `path` into `target`. Refuses a SQLite ledger that is not at this binary's schema and a target that
    /// already holds a ledger; on any error nothing is left in the target (one transaction).
    public static func copy(from path: String, to target: PostgresLedger) async throws -> Summary {
        // Opening through Ledger checks the file, its schema and its migrations like every command does.
        _ = try Ledger.open(path: path, readOnly: true)
        var configuration = Configuration()
        configuration.readonly = true
        let source = try DatabaseQueue(path: path, configuration: configuration)
        let pending = try await target.migrationStatus().filter { $0.state == .pending }
        guard pending.isEmpty else {
            throw PostgresLocationError(
                "the PostgreSQL ledger \(target.location.description) has pending migrations; run 'mde-ledger init "
                    + "--db URL' first")
        }
        let head = try await source.read { db in
            try Row.fetchOne(db, sql: "SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1")
                .map { "\($0[0] as Int64):\($0[1] as String)" } ?? "0:\(EventChain.genesis)"
        }
        let logger = target.logger
        let counts = try await target.client.withConnection { connection in
            try await PostgresLedger.transaction(on: connection, logger: logger) { connection in
                let existing =
                    try await connection.query(
                        "SELECT (SELECT count(*) FROM tenants) + (SELECT count(*) FROM events)", logger: logger
                    ).collect().first?.decode(Int.self) ?? 0
                guard existing == 0 else {
                    throw PostgresLocationError(
                        "the PostgreSQL ledger \(target.location.description) already holds a ledger; copy into a "
                            + "new database")
                }
                var counts: [(table: String, rows: Int)] = []
                for table in tables {
                    let columns = try await source.read { db in
                        try Row.fetchAll(
                            db, sql: "SELECT name, pk FROM pragma_table_info(?) ORDER BY cid", arguments: [table]
                        )
                        .map { (name: $0[0] as String, pk: $0[1] as Int) }
                    }
                    let key = columns.filter { $0.pk > 0 }.sorted { $0.pk < $1.pk }.map(\.name)
                    precondition(!key.isEmpty, "\(table) has no primary key to page by")
                    let pager = KeysetPager(table: table, columns: columns.map(\.name), key: key, source: source)
                    let copied = try await PostgresLedger.copy(
                        into: table, columns: columns.map(\.name), on: connection, logger: logger
                    ) { try await pager.next() }
                    counts.append((table, copied))
                }
                return counts
            }
        }
        return Summary(counts: counts, head: head)
    }

    /// A SQLite value as the COPY field that gives PostgreSQL the same value.
    public static func field(_ value: DatabaseValue) -> CopyText.Field {
        switch value.storage {
        case .null: .null
        case .int64(let number): .integer(number)
        // The ledger stores no REAL column; were one added, its text form keeps the value.
        case .double(let number): .text(String(number))
        case .string(let text): .text(text)
        case .blob(let data): .bytes([UInt8](data))
        }
    }
}

/// The rows of one table in primary-key order, a page at a time. Keyset paging: each page starts after the last key
/// of the one before, so no page re-reads earlier rows (OFFSET would, and grow quadratic).
final class KeysetPager {
    let table: String
    let columns: [String]
    let key: [String]
    let source: DatabaseQueue
    private var last: [DatabaseValue]?
    private var done = false

    init(table: String, columns: [String], key: [String], source: DatabaseQueue) {
        (self.table, self.columns, self.key, self.source) = (table, columns, key, source)
    }

    func next() async throws -> [[CopyText.Field]]? {
        guard !done else { return nil }
        let quoted = { (names: [String]) in names.map { "\"\($0)\"" }.joined(separator: ", ") }
        let keyList = quoted(key)
        let after = last
        let condition = after == nil ? "" : "WHERE (\(keyList)) > (\(key.map { _ in "?" }.joined(separator: ", ")))"
        let sql =
            "SELECT \(quoted(columns)) FROM \"\(table)\" \(condition) ORDER BY \(keyList) LIMIT \(SQLiteToPostgres.pageRows)"
        let rows = try await source.read { db in
            try Row.fetchAll(db, sql: sql, arguments: StatementArguments(after ?? []))
        }
        if rows.count < SQLiteToPostgres.pageRows { done = true }
        if let final = rows.last {
            last = key.map { name in final[columns.firstIndex(of: name)!] as DatabaseValue }
        }
        return rows.isEmpty ? nil : rows.map { row in (0..<columns.count).map { SQLiteToPostgres.field(row[$0]) } }
    }
}
