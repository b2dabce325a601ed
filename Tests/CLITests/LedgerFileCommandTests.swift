import Crypto
import Foundation
import GRDB
import MDETestSupport
import Testing

/// What `--db` may point at, through the binary (issue 12): foreign, empty, open or read-only files.
@Suite struct LedgerFileCommandTests {
    @Test func anotherProgramsDatabaseIsLeftUntouched() async throws {
        let scratch = try TemporaryFolder()
        let path = scratch.path("app.db")
        try await DatabaseQueue(path: path).write { db in try db.execute(sql: "CREATE TABLE notes (body TEXT)") }
        let before = SHA256.hash(data: try Data(contentsOf: URL(fileURLWithPath: path)))
        for args in [["init"], ["tenant", "add", "x"], ["devices"], ["verify"]] {
            let result = try await CLIRunner.run(args + ["--db", path])
            #expect(result.status == 1, "\(args)")
            #expect(result.stderr.contains("SQLite database of another program"), "\(args): \(result.stderr)")
        }
        #expect(SHA256.hash(data: try Data(contentsOf: URL(fileURLWithPath: path))) == before)
    }

    /// A `chmod 0400` copy owned by another user: questions work, writes get the read-only message. Root can
    /// write any file, so when the tests run as root the commands run as `nobody` through runuser.
    @Test(.enabled(if: getuid() != 0 || FileManager.default.isExecutableFile(atPath: "/usr/sbin/runuser")))
    func aReadOnlyLedgerAnswersQuestionsAndRefusesWrites() async throws {
        let scratch = try TemporaryFolder()
        #expect(chmod(scratch.url.path, 0o755) == 0)
        let csv = scratch.path("ok.csv")
        try "Device ID,Device Name,Last seen\n\(String(repeating: "1", count: 40)),ws-1,2026-05-01\n".write(
            toFile: csv, atomically: true, encoding: .utf8)
        #expect(chmod(csv, 0o644) == 0)
        let path = scratch.path("l.sqlite")
        let made = try await CLIRunner.run(["import", "machines", csv, "--db", path])
        #expect(made.status == 0, "\(made.stderr)")
        if getuid() == 0 { #expect(chown(path, 65534, 65534) == 0) }
        #expect(chmod(path, 0o400) == 0)
        // `nobody` may not reach the build folder (a fresh clone under a private temporary folder, as in CI), so it
        // runs a copy of the binary from the scratch folder.
        let binary = scratch.path("mde-ledger")
        if getuid() == 0 {
            try FileManager.default.copyItem(atPath: CLIRunner.binary.path, toPath: binary)
            #expect(chmod(binary, 0o755) == 0 && chmod(scratch.url.path, 0o755) == 0)
        }
        func run(_ args: [String]) async throws -> CLIResult {
            guard getuid() == 0 else { return try await CLIRunner.run(args + ["--db", path]) }
            let process = Process()
            // setpriv only changes ids: unlike runuser it opens no PAM session, which can fail on a busy machine.
            process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
            process.arguments =
                ["--reuid=65534", "--regid=65534", "--clear-groups", "--", binary] + args + ["--db", path]
            let err = Pipe()
            let out = Pipe()
            process.standardError = err
            process.standardOutput = out
            try process.run()
            let (o, e) = await (
                onOwnThread { out.fileHandleForReading.readDataToEndOfFile() },
                onOwnThread { err.fileHandleForReading.readDataToEndOfFile() }
            )
            await onOwnThread { process.waitUntilExit() }
            return CLIResult(
                status: process.terminationStatus, stdout: String(decoding: o, as: UTF8.self),
                stderr: String(decoding: e, as: UTF8.self))
        }
        for question in [["devices"], ["verify"], ["tenant", "list"]] {
            let result = try await run(question)
            #expect(result.status == 0, "\(question): \(result.stderr)")
        }
        for write in [["import", "machines", csv], ["init"]] {
            let result = try await run(write)
            #expect(result.status == 1)
            #expect(result.stderr.hasPrefix("error: the ledger is read-only: \(path)"), "\(write): \(result.stderr)")
            #expect(result.stderr.contains("questions still work"))
        }
    }

    @Test func verifyOnAnEmptyFileSaysSo() async throws {
        let scratch = try TemporaryFolder()
        let path = scratch.path("empty.sqlite")
        #expect(FileManager.default.createFile(atPath: path, contents: Data()))
        let result = try await CLIRunner.run(["verify", "--db", path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("is an empty file, not a ledger") && !result.stderr.contains("no such table"))
    }

    @Test func initMakesAnOpenLedgerOwnerOnly() async throws {
        let scratch = try TemporaryFolder()
        let path = try await SecurityCommandTests.ledger(scratch)
        #expect(chmod(path, 0o644) == 0)
        let list = try await CLIRunner.run(["tenant", "list", "--db", path])
        #expect(list.status == 0 && list.stderr.contains("warning: the ledger \(path) is readable by other users"))
        let initialised = try await CLIRunner.run(["init", "--db", path])
        #expect(initialised.status == 0 && initialised.stdout.contains("owner only (0600)"), "\(initialised.stdout)")
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber
        #expect(mode?.intValue == 0o600)
    }
}
