import ArgumentParser
import Foundation
import LedgerPostgres
import MDELedger

/// Options every ledger command takes.
struct LedgerOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "The ledger file, or a postgresql:// URL for 'init', 'migrate --list' and 'verify' (docs/postgres.md).",
            valueName: "path"))
    var db: String?

    /// `--db`, else `$MDE_LEDGER_DB`, else `./mde-ledger.sqlite`: a file path or a `postgresql://` URL.
    var target: String {
        if let db { return db }
        if let env = ProcessInfo.processInfo.environment["MDE_LEDGER_DB"], !env.isEmpty { return env }
        return "mde-ledger.sqlite"
    }

    /// The SQLite ledger file. A `postgresql://` URL is refused here (exit 64) rather than taken for a file name:
    /// so far only `init` and `migrate --list` work on PostgreSQL, and they ask for `postgres` first.
    var path: String {
        get throws {
            guard PostgresLocation.isPostgres(target) else { return target }
            throw CLIFailure(
                message: "this command needs a SQLite ledger file, and the ledger given is a postgresql:// URL; "
                    + "so far only 'mde-ledger init', 'migrate --list', 'copy' and 'verify' work on PostgreSQL "
                    + "(docs/postgres.md)",
                code: 64)
        }
    }

    /// The PostgreSQL ledger `--db` names, or `nil` for a SQLite file.
    var postgres: PostgresLocation? {
        get throws { PostgresLocation.isPostgres(target) ? try PostgresLocation.parse(target) : nil }
    }

    func open(create: Bool = false, readOnly: Bool = false) throws -> Ledger {
        warned(try Ledger.open(path: try path, create: create, readOnly: readOnly, clock: TestClock.ledger))
    }

    /// Opens the ledger for a question command: read-only when the file cannot be written (a `chmod 0400` copy).
    func openForQuestions(allowPending: Bool = false) throws -> Ledger {
        warned(try Ledger.openForQuestions(path: try path, allowPending: allowPending, clock: TestClock.ledger))
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
