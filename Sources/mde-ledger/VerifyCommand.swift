import ArgumentParser
import MDELedger

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check the schema against the migrations, the event hash chain and the history digests.",
        discussion: """
            Recomputes every event's SHA-256 link and each run's digest over the observation rows it wrote, \
            and compares every table, index and trigger with what the migrations create. Exits 1 and names the \
            first broken event when anything was edited. Record the printed head hash in your audit notes: \
            a later verify that prints a different chain for the same events shows the log was cut short.
            """
    )

    @OptionGroup var ledger: LedgerOptions

    func run() throws {
        let opened = ledger.warned(try Ledger.open(path: ledger.path, readOnly: true, allowPending: true))
        let report = try opened.verify()
        print("schema: version \(report.schemaVersion)")
        print("events: \(report.eventsChecked) checked, head \(report.headHash)")
        print("history: \(report.runsChecked) run digests checked")
        guard report.ok else {
            throw CLIFailure(message: "ledger verification failed:\n  " + report.problems.joined(separator: "\n  "))
        }
        print("ok: the ledger verifies")
    }
}
