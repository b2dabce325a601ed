import ArgumentParser
import LedgerPostgres
import MDELedger

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "List applied and pending migrations, without changing anything.",
        discussion: "Use 'mde-ledger init' to apply pending migrations."
    )

    @OptionGroup var ledger: LedgerOptions

    @Flag(name: .long, help: "List applied and pending migrations (read-only).")
    var list = false

    func validate() throws {
        guard list else {
            throw ValidationError("migrate only lists: pass --list (apply migrations with 'mde-ledger init')")
        }
    }

    func run() async throws {
        let status: [MigrationStatus]
        if let location = try ledger.postgres {
            status = try await PostgresLedger.using(location) { try await $0.migrationStatus() }
        } else {
            let opened = try Ledger.open(
                path: try ledger.path, create: false, readOnly: true, allowPending: true, clock: TestClock.ledger)
            status = try opened.migrationStatus()
        }
        for migration in status {
            let when = migration.appliedAt.map { "applied \($0)" } ?? "pending"
            print("\(migration.name)  \(when)  sha256 \(migration.checksum.prefix(12))")
        }
    }
}
