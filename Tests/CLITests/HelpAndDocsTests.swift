import Foundation
import MDETestSupport
import Testing

/// Every subcommand explains itself and is documented in the README (sqlite-utils' test_docs idea).
@Suite struct HelpAndDocsTests {
    /// The subcommands `mde-ledger <path…> --help` lists.
    static func subcommands(_ path: [String] = []) async throws -> [String] {
        let help = try await CLIRunner.run(path + ["--help"])
        guard let start = help.stdout.range(of: "SUBCOMMANDS:") else { return [] }
        return help.stdout[start.upperBound...].split(separator: "\n").compactMap { line in
            // Names sit at two spaces; wrapped abstracts are indented further.
            guard line.hasPrefix("  "), !line.hasPrefix("   "),
                let word = line.trimmingCharacters(in: .whitespaces).split(separator: " ").first, word != "See"
            else { return nil }
            return String(word)
        }.filter { $0 != "help" }
    }

    @Test func rootHelpListsTheSubcommands() async throws {
        let names = try await Self.subcommands()
        #expect(
            Set([
                "init", "migrate", "sync", "status", "devices", "import", "tenant", "verify", "simulate", "offboard",
                "retired", "exception",
                "tag", "report", "demo", "copy",
            ])
                == Set(names), "\(names)")
    }

    /// `--version` names the tool, its version and the commit (or that a development build records none); every
    /// report names the same version (`0.9.0-dev+COMMIT` when recorded), and the root help lists the exit codes a
    /// job scheduler acts on (75: another run holds the lock). `scripts/check-dist` checks a `make dist` build.
    @Test func versionAndExitCodes() async throws {
        let version = try await CLIRunner.run(["--version"])
        #expect(version.status == 0)
        let line = version.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let pattern = /mde-ledger (?<number>\d+\.\d+\.\d+(-dev)?) \(commit ((?<commit>[0-9a-f]{12})|not recorded: .+)\)/
        let match = try #require(line.wholeMatch(of: pattern), "\(line)")
        let text = match.commit.map { "\(match.number)+\($0)" } ?? String(match.number)
        let folder = try TemporaryFolder()
        _ = try await CLIRunner.run(["tenant", "add", "--db", folder.path("l.sqlite"), "contoso"])
        let report = try await CLIRunner.run(
            ["report", "sync-health", "--db", folder.path("l.sqlite"), "--format", "md", "--as-of", "2026-01-01"])
        #expect(
            report.stdout.contains("by mde-ledger \(text) from ledger schema"),
            "\(report.stdout)\(report.stderr)")
        let help = try await CLIRunner.run(["--help"])
        let words = help.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(words.contains("75 another run holds the ledger's lock"), "\(words)")
    }

    @Test func everySubcommandHasHelpAndIsInTheReadme() async throws {
        let readme = try String(contentsOfFile: TestFiles.inRepository("README.md"), encoding: .utf8)
        var commands = try await Self.subcommands().map { [$0] }
        for command in commands where command.count == 1 {
            commands += try await Self.subcommands(command).map { command + [$0] }
        }
        #expect(commands.count > 12)
        for command in commands {
            let name = command.joined(separator: " ")
            let result = try await CLIRunner.run(command + ["--help"])
            #expect(result.status == 0, "\(name) --help")
            #expect(result.stdout.contains("OVERVIEW: ") && result.stdout.count > 200, "\(name) has real help text")
            #expect(readme.contains("mde-ledger \(name)"), "README documents 'mde-ledger \(name)'")
        }
    }

    @Test func badUsageExits64() async throws {
        let result = try await CLIRunner.run(["sync", "--no-such-flag"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("--no-such-flag"))
    }
}
