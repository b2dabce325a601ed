import Foundation
import MDETestSupport
import Testing

/// The transcripts in README.md and docs/*.md are what the tool prints now (`scripts/update-docs --check`).
@Suite struct DocsTranscriptTests {
    @Test func transcriptsMatchWhatTheCommandsPrint() async throws {
        let check = try await Self.runScript(["--check", "--bin", CLIRunner.binary.path])
        #expect(
            check.status == 0,
            "transcripts drifted; run 'make docs' and review the diff:\n\(check.stdout)\n\(check.stderr)")
        // The check really ran blocks (a script that found none would pass vacuously).
        #expect(check.stderr.contains("README.md: license-compliance"), "\(check.stderr)")
    }

    @Test func theCheckFailsOnDrift() async throws {
        let folder = try TemporaryFolder()
        let page = URL(fileURLWithPath: folder.path("page.md"))
        try """
        <!-- transcript: drift
        -->
        ```console
        $ echo hello
        goodbye
        ```
        <!-- /transcript -->

        """.write(to: page, atomically: true, encoding: .utf8)
        let check = try await Self.runScript(["--check", "--bin", CLIRunner.binary.path, page.path])
        #expect(check.status == 1)
        #expect(check.stdout.contains("-goodbye") && check.stdout.contains("+hello"))
        let write = try await Self.runScript(["--bin", CLIRunner.binary.path, page.path])
        #expect(write.status == 0)
        #expect(try String(contentsOf: page, encoding: .utf8).contains("$ echo hello\nhello\n```"))
        #expect(try await Self.runScript(["--check", "--bin", CLIRunner.binary.path, page.path]).status == 0)
    }

    static func runScript(_ args: [String]) async throws -> CLIResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", TestFiles.inRepository("scripts/update-docs")] + args
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        async let stdout = onOwnThread { out.fileHandleForReading.readDataToEndOfFile() }
        async let stderr = onOwnThread { err.fileHandleForReading.readDataToEndOfFile() }
        let (o, e) = await (stdout, stderr)
        await onOwnThread { process.waitUntilExit() }
        return CLIResult(
            status: process.terminationStatus, stdout: String(decoding: o, as: UTF8.self),
            stderr: String(decoding: e, as: UTF8.self))
    }
}
