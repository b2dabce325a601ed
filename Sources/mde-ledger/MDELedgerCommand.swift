import ArgumentParser
import Foundation
import Logging
import MDEAPI
import MDELedger

/// The `mde-ledger` command: a thin layer over the `MDELedger` library, one subcommand per file.
struct MDELedgerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mde-ledger",
        abstract: "An audit and compliance ledger of Microsoft Defender for Endpoint devices, in SQLite.",
        discussion: """
            Pulls machines and machine actions from the MDE API into an append-only, hash-chained ledger, \
            follows every device through its lifecycle, and answers whether retired devices still send telemetry.

            Credentials come from AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET (or \
            AZURE_CLIENT_SECRET_FILE), never from the command line. The ledger is --db, else $MDE_LEDGER_DB, \
            else ./mde-ledger.sqlite.

            Exit codes: 0 ok, 1 error, 2 findings present, 3 offboard requests left open (run again), 64 bad usage \
            (nothing was changed), 75 another run holds the ledger's lock (nothing was done; run again later), \
            130 interrupted.
            """,
        version: MDELedgerVersion.line,
        subcommands: [
            InitCommand.self, MigrateCommand.self, SyncCommand.self, StatusCommand.self, DevicesCommand.self,
            ImportCommand.self, TenantCommand.self, VerifyCommand.self, SimulateCommand.self, ReportCommand.self,
            OffboardCommand.self, RetiredCommand.self, ExceptionCommand.self, TagCommand.self, DemoCommand.self,
            CopyCommand.self,
        ]
    )
}

@main
enum Main {
    static func main() async {
        LoggingSystem.bootstrap { label in RedactingLogHandler(StreamLogHandler.standardError(label: label)) }
        do {
            var command = try MDELedgerCommand.parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error as LedgerBusy {
            // Not a failure of this run: a job scheduler retries later (EX_TEMPFAIL), and alerting can tell it apart.
            FileHandle.standardError.write(Data("error: \(Self.printable(error.description))\n".utf8))
            exit(75)
        } catch let error as CLIFailure {
            FileHandle.standardError.write(Data("error: \(Self.printable(error.message))\n".utf8))
            exit(error.code)
        } catch  where !isArgumentParserError(error) {
            FileHandle.standardError.write(Data("error: \(Self.printable("\(error)"))\n".utf8))
            exit(1)
        } catch {
            // Usage errors (exit 64), --help and explicit exit codes keep ArgumentParser's text and exit codes,
            // with the house style's lower-case "error:".
            let code = MDELedgerCommand.exitCode(for: error)
            let message = MDELedgerCommand.fullMessage(for: error)
            if code == .success {
                if !message.isEmpty { print(message) }
            } else if !message.isEmpty {
                let text = message.hasPrefix("Error: ") ? "error: " + message.dropFirst(7) : Substring(message)
                FileHandle.standardError.write(Data((text + "\n").utf8))
            }
            exit(code.rawValue)
        }
    }

    /// The last line of defence against terminal escapes: messages echo file cells and server text, so every
    /// control character but the line break is shown escaped (the messages themselves escape what they quote).
    static func printable(_ message: String) -> String {
        ErrorText.escaped(Secrets.redact(message), limit: 1_000_000, keepingLineBreaks: true)
    }

    /// ArgumentParser's own errors (usage, help, `ExitCode`) keep its formatting and exit codes; every other
    /// error carries a message meant for the user and becomes `error: …` with exit 1.
    private static func isArgumentParserError(_ error: Error) -> Bool {
        String(reflecting: type(of: error)).hasPrefix("ArgumentParser.")
    }
}

/// An error the CLI reports as `error: message` with a chosen exit code.
struct CLIFailure: Error {
    var message: String
    var code: Int32 = 1
}
