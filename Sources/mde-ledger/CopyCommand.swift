import ArgumentParser
import Foundation
import LedgerPostgres
import MDELedger

struct CopyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "copy",
        abstract: "Copy a SQLite ledger into an empty PostgreSQL ledger, keeping every row and hash.",
        discussion: """
            The target is an existing database: 'mde-ledger init --db postgresql://…' prepares it first. Every \
            recorded table (tenants, runs, the event log, history, documents, retirements, the outbox, exceptions) is \
            copied in one transaction with COPY, so an error leaves the target empty; the SQLite file is only read. \
            A target that already holds a ledger is refused. It prints the rows per table and the chain head, which \
            is the SQLite ledger's head: heads printed on earlier reports stay valid for the copy. The copy back to \
            SQLite is not built yet (docs/postgres.md).
            """
    )

    @Option(name: .long, help: ArgumentHelp("The SQLite ledger file to copy.", valueName: "path"))
    var from: String

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The PostgreSQL ledger to copy into (no password in it; see docs/postgres.md).", valueName: "url"))
    var to: String

    func validate() throws {
        guard PostgresLocation.isPostgres(to) else {
            throw ValidationError("--to must be a postgresql:// URL; the copy into SQLite is not built yet")
        }
        guard !PostgresLocation.isPostgres(from) else {
            throw ValidationError("--from must be a SQLite ledger file")
        }
    }

    func run() async throws {
        let location = try PostgresLocation.parse(to)
        let summary = try await PostgresLedger.using(location) { try await SQLiteToPostgres.copy(from: from, to: $0) }
        for (table, rows) in summary.counts where rows > 0 {
            print("\(table): \(rows) rows")
        }
        print("copied \(from) to \(location.description)")
        print("head: \(summary.head)")
    }
}
