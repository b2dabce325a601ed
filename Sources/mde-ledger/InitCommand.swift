import ArgumentParser
import Foundation
import MDELedger

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create the ledger, or apply pending migrations to it; prints the schema version.",
        discussion: """
            A new ledger file is created readable by its owner only; an existing one that others may read is made \
            owner-only (0600). Running init on an up-to-date ledger \
            changes nothing. A ledger whose applied migrations differ from this binary's is refused.
            """
    )

    @OptionGroup var ledger: LedgerOptions

    func run() throws {
        let existed = FileManager.default.fileExists(atPath: ledger.path)
        let opened =
            try existed
            ? Ledger.open(path: ledger.path, allowPending: true, clock: TestClock.ledger) : ledger.open(create: true)
        let applied = try existed ? opened.migrate() : opened.migrationStatus().map(\.name)
        if try opened.restrictPermissions() { print("made \(opened.path) readable by its owner only (0600)") }
        let count = try opened.migrationStatus().count
        print("ledger \(opened.path) at schema version \(try opened.schemaVersion()) (\(count) migrations applied)")
        if !applied.isEmpty { print("applied now: \(applied.joined(separator: ", "))") }
        // A migration that changes the views makes the kept answer stale: keep it again, once, here.
        ledger.keepAnswers(opened)
    }
}
