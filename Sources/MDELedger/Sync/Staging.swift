import Foundation
import GRDB
import MDEAPI

/// Temporary tables that hold a snapshot while it is being fetched.
///
/// Pages are decoded and written here one at a time (bounded memory), in SQLite's temp database, which
/// is private to this connection and never touches the ledger file: a run that dies mid-fetch leaves
/// nothing behind. The commit then reads the whole snapshot back in one transaction.
struct Staging {
    let dbQueue: DatabaseQueue

    func reset() async throws {
        try await dbQueue.writeWithoutTransaction { db in
            try db.execute(sql: "DROP TABLE IF EXISTS temp.staged_machines; DROP TABLE IF EXISTS temp.staged_actions")
            try db.execute(sql: MachineColumns.stagingDDL(schema: "temp"))
            try db.execute(sql: ActionColumns.stagingDDL(schema: "temp"))
        }
    }

    /// Adds machines. A repeated id (pages that overlap while the service's list changes) is merged when the
    /// copies are identical; a differing copy replaces the earlier one and is reported in `duplicates`.
    /// - Parameter rawTexts: each machine's JSON as the service sent it (`MDEPage.rawTexts`), kept as the raw
    ///   evidence; without it the canonical text of the parsed object is kept.
    @discardableResult
    func add(machines: [Machine], rawTexts: [String] = []) async throws -> StagingDuplicates {
        let rows = machines.enumerated().map { offset, machine in
            let raw = offset < rawTexts.count ? rawTexts[offset] : machine.raw.canonicalText()
            return MachineColumns.stagedRow(machine, raw: raw)
        }
        // Two copies are the same document when body, lastSeen and its fraction agree.
        let compared = ["last_seen"] + MachineColumns.document
        let lastSeen = 1 + MachineColumns.tracked.firstIndex(of: "last_seen")!
        return try await insert(
            rows, sql: MachineColumns.stageSQL, table: "temp.staged_machines", compared: compared
        ) { values in [values[lastSeen]] + values.suffix(3) }
    }

    @discardableResult
    func add(actions: [MachineAction], rawTexts: [String] = []) async throws -> StagingDuplicates {
        let rows = actions.enumerated().map { offset, action in
            let raw = offset < rawTexts.count ? rawTexts[offset] : action.raw.canonicalText()
            return ActionColumns.stagedRow(action, raw: raw)
        }
        return try await insert(
            rows, sql: ActionColumns.stageSQL, table: "temp.staged_actions", compared: ["raw_json"]
        ) { values in [values[values.count - 1]] }
    }

    /// Inserts rows whose first value is the id; returns the repeated ids. A repeat is identical when the
    /// `compared` columns hold what `fingerprint` picks from its values.
    private func insert(
        _ rows: [[DatabaseValue]], sql: String, table: String, compared: [String],
        fingerprint: @escaping @Sendable ([DatabaseValue]) -> [DatabaseValue]
    ) async throws -> StagingDuplicates {
        try await dbQueue.write { db in
            var found = StagingDuplicates()
            let insert = try db.cachedStatement(sql: sql.replacingOccurrences(of: "OR REPLACE", with: "OR IGNORE"))
            let replace = try db.cachedStatement(sql: sql)
            let existing = try db.cachedStatement(
                sql: "SELECT \(compared.joined(separator: ", ")) FROM \(table) WHERE id = ?")
            for values in rows {
                try insert.execute(arguments: StatementArguments(values))
                guard db.changesCount == 0 else { continue }
                let id = String.fromDatabaseValue(values[0]) ?? ""
                let earlier = try Row.fetchOne(existing, arguments: [id]).map { Array($0.databaseValues) }
                if earlier == fingerprint(values) {
                    found.identical += 1
                } else {
                    try replace.execute(arguments: StatementArguments(values))
                    found.differing.append(id)
                }
            }
            return found
        }
    }

    /// Fills the staging tables from an import's scratch file (`BatchStaging`), in SQLite without a row
    /// passing through Swift. The batch holds each id once already.
    func copy(from batch: BatchStaging) async throws {
        try await dbQueue.writeWithoutTransaction { db in
            try db.execute(sql: "ATTACH DATABASE ? AS import_batch", arguments: [batch.path])
            defer { try? db.execute(sql: "DETACH DATABASE import_batch") }
            try db.inTransaction {
                for (table, columns) in [
                    ("staged_machines", MachineColumns.staged), ("staged_actions", ActionColumns.staged),
                ] {
                    let list = columns.joined(separator: ", ")
                    try db.execute(
                        sql: "INSERT INTO temp.\(table) (\(list)) SELECT \(list) FROM import_batch.\(table)")
                }
                return .commit
            }
        }
    }

    func drop() async {
        try? await dbQueue.writeWithoutTransaction { db in
            try db.execute(sql: "DROP TABLE IF EXISTS temp.staged_machines; DROP TABLE IF EXISTS temp.staged_actions")
        }
    }
}

/// Ids a snapshot listed more than once.
struct StagingDuplicates: Sendable {
    /// Copies identical to the one already staged: merged silently (pages overlap).
    var identical = 0
    /// Ids whose copies differ: the later page's copy was kept.
    var differing: [String] = []

    mutating func merge(_ other: StagingDuplicates) {
        identical += other.identical
        differing += other.differing
    }

    /// The warning a run records, or nil when no copy differed.
    func warning(_ resource: String) -> String? {
        guard !differing.isEmpty else { return nil }
        let sample = differing.prefix(5).joined(separator: ", ")
        return "\(differing.count) \(resource) appeared twice with different content; kept the later page's copy "
            + "(\(sample)\(differing.count > 5 ? ", …" : ""))"
    }
}
