import Foundation
import Testing

/// Every subcommand explains itself and is documented in the README (sqlite-utils' test_docs idea).
@Suite struct HelpAndDocsTests {
    static func subcommands() async throws -> [String] {
        let help = try await CLIRunner.run(["--help"])
        guard let start = help.stdout.range(of: "SUBCOMMANDS:") else { return [] }
        return help.stdout[start.upperBound...].split(separator: "\n").compactMap { line in
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard line.hasPrefix("  "), let word = trimmed.split(separator: " ").first, word != "See" else {
                return nil
            }
            return String(word)
        }.filter { $0 != "help" }
    }

    @Test func rootHelpListsTheSubcommands() async throws {
        let names = try await Self.subcommands()
        #expect(Set(["init", "migrate", "sync", "verify", "simulate"]).isSubset(of: Set(names)), "\(names)")
    }

    @Test func everySubcommandHasHelpAndIsInTheReadme() async throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        for name in try await Self.subcommands() {
            let result = try await CLIRunner.run([name, "--help"])
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
