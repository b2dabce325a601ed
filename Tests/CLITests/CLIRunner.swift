import Foundation
import MDETestSupport

/// Runs the built `mde-ledger` binary and captures what it prints.
struct CLIResult: Sendable {
    var status: Int32
    var stdout: String
    var stderr: String
}

enum CLIRunner {

    /// The binary `make test` builds: `$MDE_LEDGER_BIN`, else next to the test bundle, else `.build/debug`.
    static let binary: URL = {
        if let path = ProcessInfo.processInfo.environment["MDE_LEDGER_BIN"] { return URL(fileURLWithPath: path) }
        let testBinary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var folder = testBinary.deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = folder.appendingPathComponent("mde-ledger")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            folder = folder.deletingLastPathComponent()
        }
        return TestFiles.repositoryRoot.appendingPathComponent(".build/debug/mde-ledger")
    }()

    /// Runs `mde-ledger args…` in `directory` with only the given environment (plus PATH and HOME), so a
    /// developer's own AZURE_* variables never leak into a test. A run still going after `limit` seconds is killed
    /// (its status is then not 0 and stderr says so), so a hung binary fails its test instead of hanging the suite.
    static func run(
        _ args: [String], environment: [String: String] = [:], directory: URL? = nil, limit: Double = 600
    ) async throws -> CLIResult {
        let process = Process()
        process.executableURL = binary
        process.arguments = args
        var env = [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": NSTemporaryDirectory(),
        ]
        env.merge(environment) { _, new in new }
        process.environment = env
        if let directory { process.currentDirectoryURL = directory }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // A deadline instead of a hang: a run still going after `limit` is killed and reported as such.
        let pid = process.processIdentifier
        let timedOut = LockedFlag()
        DispatchQueue.global().asyncAfter(deadline: .now() + limit) {
            if process.isRunning, kill(pid, SIGKILL) == 0 { timedOut.set() }
        }
        // Read both pipes while the process runs so a large output cannot fill a pipe and block it.
        async let stdout = onOwnThread { out.fileHandleForReading.readDataToEndOfFile() }
        async let stderr = onOwnThread { err.fileHandleForReading.readDataToEndOfFile() }
        let (o, e) = await (stdout, stderr)
        await onOwnThread { process.waitUntilExit() }
        var errText = String(decoding: e, as: UTF8.self)
        if timedOut.isSet {
            errText += "\n[CLIRunner: mde-ledger \(args.joined(separator: " ")) killed after \(limit) s]"
        }
        return CLIResult(
            status: process.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: errText)
    }
}

/// A flag set from another thread.
final class LockedFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false

    func set() { lock.withLock { value = true } }
    var isSet: Bool { lock.withLock { value } }
}

/// Runs blocking `work` on a thread of its own. Blocking reads on Swift concurrency's few pool threads starve
/// them: a simulator in this process then cannot answer the very process whose output they wait for.
func onOwnThread<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        Thread { continuation.resume(returning: work()) }.start()
    }
}
