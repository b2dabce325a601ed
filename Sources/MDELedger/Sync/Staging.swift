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
            try db.execute(sql: MachineColumns.stagingDDL)
            try db.execute(sql: ActionColumns.stagingDDL)
        }
    }

    /// Adds machines; a repeated id (pages that overlap) keeps the last copy.
    /// - Parameter rawTexts: each machine's JSON as the service sent it (`MDEPage.rawTexts`), kept as the raw
    ///   evidence; without it the canonical text of the parsed object is kept.
    func add(machines: [Machine], rawTexts: [String] = []) async throws {
        try await dbQueue.write { db in
            let statement = try db.cachedStatement(sql: MachineColumns.stageSQL)
            for (offset, machine) in machines.enumerated() {
                let raw = offset < rawTexts.count ? rawTexts[offset] : machine.raw.canonicalText()
                let values = [machine.id.databaseValue] + MachineColumns.values(machine) + [raw.databaseValue]
                try statement.execute(arguments: StatementArguments(values))
            }
        }
    }

    func add(actions: [MachineAction], rawTexts: [String] = []) async throws {
        try await dbQueue.write { db in
            let statement = try db.cachedStatement(sql: ActionColumns.stageSQL)
            for (offset, action) in actions.enumerated() {
                let raw = offset < rawTexts.count ? rawTexts[offset] : action.raw.canonicalText()
                let values = [action.id.databaseValue] + ActionColumns.values(action) + [raw.databaseValue]
                try statement.execute(arguments: StatementArguments(values))
            }
        }
    }

    func drop() async {
        try? await dbQueue.writeWithoutTransaction { db in
            try db.execute(sql: "DROP TABLE IF EXISTS temp.staged_machines; DROP TABLE IF EXISTS temp.staged_actions")
        }
    }
}
