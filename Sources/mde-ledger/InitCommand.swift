import ArgumentParser
import Foundation
import LedgerPostgres
import MDELedger

struct InitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create the ledger, or apply pending migrations to it; prints the schema version.",
        discussion: """
            A new ledger file is created readable by its owner only; an existing one that others may read is made \
            owner-only (0600). Running init on an up-to-date ledger \
            changes nothing. A ledger whose applied migrations differ from this binary's is refused.

            With --db postgresql://USER@HOST/DATABASE it applies migrations/postgres to an existing database instead \
            (tables, append-only triggers, the roles mde_ledger_writer, mde_ledger_auditor and \
            mde_ledger_all_tenants, row-level security); the password comes from the password file (PGPASSFILE, \
            ~/.pgpass), never from the URL. See docs/postgres.md.
            """
    )

    @OptionGroup var ledger: LedgerOptions

    func run() async throws {
        if let location = try ledger.postgres { return try await initPostgres(location) }
        let path = try ledger.path
        let existed = FileManager.default.fileExists(atPath: path)
        let opened =
            try existed
            ? Ledger.open(path: path, allowPending: true, clock: TestClock.ledger) : ledger.open(create: true)
        let applied = try existed ? opened.migrate() : opened.migrationStatus().map(\.name)
        if try opened.restrictPermissions() { print("made \(opened.path) readable by its owner only (0600)") }
        let count = try opened.migrationStatus().count
        print("ledger \(opened.path) at schema version \(try opened.schemaVersion()) (\(count) migrations applied)")
        if !applied.isEmpty { print("applied now: \(applied.joined(separator: ", "))") }
        // A migration that changes the views makes the kept answer stale: keep it again, once, here.
        ledger.keepAnswers(opened)
    }

    private func initPostgres(_ location: PostgresLocation) async throws {
        let applied = try await PostgresLedger.using(location) { try await $0.migrate(clock: TestClock.ledger) }
        // migrate returns only once every migration is applied.
        print("ledger \(location.description): \(PostgresLedger.migrations.count) PostgreSQL migrations applied")
        if !applied.isEmpty { print("applied now: \(applied.joined(separator: ", "))") }
    }
}
