import ArgumentParser
import MDELedger

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create the ledger, or apply pending migrations to it; prints the schema version.",
        discussion: """
            A new ledger file is created readable by its owner only. Running init on an up-to-date ledger
            changes nothing. A ledger whose applied migrations differ from this binary's is refused.
            """
    )

    @OptionGroup var ledger: LedgerOptions

    func run() throws {
        let opened = try ledger.open(create: true)
        let applied = try opened.migrationStatus()
        print(
            "ledger \(opened.path) at schema version \(try opened.schemaVersion()) (\(applied.count) migrations applied)"
        )
    }
}
