import ArgumentParser
import Foundation
import MDELedger

/// Options every ledger command takes.
struct LedgerOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The ledger file.", valueName: "path"))
    var db: String?

    /// `--db`, else `$MDE_LEDGER_DB`, else `./mde-ledger.sqlite`.
    var path: String {
        if let db { return db }
        if let env = ProcessInfo.processInfo.environment["MDE_LEDGER_DB"], !env.isEmpty { return env }
        return "mde-ledger.sqlite"
    }

    func open(create: Bool = false, readOnly: Bool = false) throws -> Ledger {
        warned(try Ledger.open(path: path, create: create, readOnly: readOnly, clock: TestClock.ledger))
    }

    /// Opens the ledger for a question command: read-only when the file cannot be written (a `chmod 0400` copy).
    func openForQuestions(allowPending: Bool = false) throws -> Ledger {
        warned(try Ledger.openForQuestions(path: path, allowPending: allowPending, clock: TestClock.ledger))
    }

    /// Keeps the default answer current after a command recorded something (`Ledger.keepAnswers`). What was
    /// recorded stands if this fails, so it is a warning: questions work the answer out from history meanwhile.
    func keepAnswers(_ ledger: Ledger) {
        do {
            try ledger.keepAnswers()
        } catch {
            printError(
                "warning: the answers for questions were not kept (\(error)); questions work them out from history "
                    + "until the next command that records something")
        }
    }

    /// Prints the ledger's warnings (a file other users may read) on standard error.
    func warned(_ ledger: Ledger) -> Ledger {
        for warning in ledger.warnings { printError("warning: \(warning)") }
        return ledger
    }
}

/// Writes a line to standard error.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}
