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
        try Ledger.open(path: path, create: create, readOnly: readOnly)
    }
}

/// Writes a line to standard error.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}
