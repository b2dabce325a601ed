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
    func add(machines: [Machine]) async throws {
        try await dbQueue.write { db in
            let statement = try db.cachedStatement(sql: MachineColumns.stageSQL)
            for machine in machines {
                let values =
                    [machine.id.databaseValue] + MachineColumns.values(machine)
                    + [machine.raw.canonicalText().databaseValue]
                try statement.execute(arguments: StatementArguments(values))
            }
        }
    }

    func add(actions: [MachineAction]) async throws {
        try await dbQueue.write { db in
            let statement = try db.cachedStatement(sql: ActionColumns.stageSQL)
            for action in actions {
                let values =
                    [action.id.databaseValue] + ActionColumns.values(action)
                    + [action.raw.canonicalText().databaseValue]
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
