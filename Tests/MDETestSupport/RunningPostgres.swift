import Foundation

/// A real PostgreSQL 15 server for the tests of one process (Debian's binaries, started by `scripts/pg-scratch`
/// in a fresh folder under /tmp, reachable only through its Unix socket). It starts on first use and is stopped by
/// a watcher process once this test process has ended, since a test run has no hook at its end. Each test takes a
/// database of its own (`newDatabase`), so tests running at the same time never see each other's rows.
public enum RunningPostgres {
    /// The folder holding the server's socket (a `host=` for libpq and postgres-nio).
    public static func socketFolder() throws -> String { try server.get() }

    /// A new, empty database owned by the superuser `postgres`; returns its name.
    public static func newDatabase(prefix: String = "t") throws -> String {
        let folder = try socketFolder()
        let name = "\(prefix)_\(UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: ""))"
        try run(binary("createdb"), ["-h", folder, "-U", "postgres", name])
        return name
    }

    /// Runs SQL as the superuser with `psql` (ON_ERROR_STOP); returns what it printed (unaligned, tuples only).
    /// For setting up roles and for tampering as a superuser would, outside the code under test.
    @discardableResult
    public static func psql(_ database: String, _ sql: String, role: String = "postgres") throws -> String {
        try run(
            "/usr/bin/psql",
            ["-h", try socketFolder(), "-U", role, "-d", database, "-v", "ON_ERROR_STOP=1", "-qAt", "-c", sql])
    }

    private static let server: Result<String, any Error> = Result {
        // Short and under /tmp: a socket path has at most 107 bytes, and the server's user must reach it.
        let folder = try run("/usr/bin/mktemp", ["-d", "/tmp/mde-ledger-pg.XXXXXX"])
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let script = TestFiles.inRepository("scripts/pg-scratch")
        // Into a file, not a pipe: the server inherits the descriptor and keeps it open for its whole life, so a
        // pipe would never reach its end.
        let log = folder + "/start.log"
        FileManager.default.createFile(atPath: log, contents: nil)
        let start = Process()
        start.executableURL = URL(fileURLWithPath: script)
        start.arguments = ["start", folder]
        start.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        start.standardError = start.standardOutput
        try start.run()
        start.waitUntilExit()
        guard start.terminationStatus == 0 else {
            throw PostgresUnavailable(
                "scripts/pg-scratch start failed: " + ((try? String(contentsOfFile: log, encoding: .utf8)) ?? ""))
        }
        let socket = folder + "/socket"
        let watcher = Process()
        watcher.executableURL = URL(fileURLWithPath: script)
        watcher.arguments = ["watch", folder, String(ProcessInfo.processInfo.processIdentifier)]
        watcher.standardOutput = FileHandle.nullDevice
        watcher.standardError = FileHandle.nullDevice
        try watcher.run()
        return socket
    }

    private static func binary(_ name: String) throws -> String {
        for folder in ["/usr/lib/postgresql/15/bin", "/usr/bin"]
        where FileManager.default.isExecutableFile(atPath: "\(folder)/\(name)") {
            return "\(folder)/\(name)"
        }
        throw PostgresUnavailable("\(name) is not installed; run 'apt-get install -y postgresql' (.ci/run does)")
    }

    @discardableResult
    private static func run(_ executable: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        // Read before waiting: a full pipe would otherwise block the child.
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let errorText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw PostgresUnavailable(
                "\(executable) \(arguments.joined(separator: " ")) failed (\(process.terminationStatus)): \(errorText)")
        }
        return text
    }
}

/// The test PostgreSQL server could not be started or used; the message says why.
public struct PostgresUnavailable: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
