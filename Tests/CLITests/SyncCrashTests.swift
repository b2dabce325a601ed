import Foundation
import GRDB
import MDESimulator
import MDETestSupport
import Testing

/// The binary under stress (issue #3): kill -9 at seeded moments, a second sync while one runs, long waits shown.
@Suite(.serialized) struct SyncCrashTests {
    static let tokenRoute = "POST /{tenantId}/oauth2/v2.0/token"

    /// Starts `mde-ledger args…` and returns at once; its output is discarded, so no pipe can fill up.
    static func start(_ args: [String], environment: [String: String]) throws -> Process {
        let process = Process()
        process.executableURL = CLIRunner.binary
        process.arguments = args
        var env = [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": NSTemporaryDirectory(),
        ]
        env.merge(environment) { _, new in new }
        process.environment = env
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Polls until `condition` holds (true) or the process ends or a minute passes (false).
    static func poll(while process: Process, until condition: () -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + .seconds(60)
        while process.isRunning, ContinuousClock.now < deadline {
            if condition() { return true }
            try await Task.sleep(for: .milliseconds(2))
        }
        return false
    }

    static func runStatuses(_ path: String) throws -> [String] {
        try DatabaseQueue(path: path).read { try String.fetchAll($0, sql: "SELECT status FROM sync_runs ORDER BY id") }
    }

    /// Waits (at most two minutes) until `path` exists; false if it never does.
    static func awaitFile(_ path: String) async throws -> Bool {
        let deadline = ContinuousClock.now + .seconds(120)
        while !FileManager.default.fileExists(atPath: path) {
            guard ContinuousClock.now < deadline else { return false }
            try await Task.sleep(for: .milliseconds(5))
        }
        return true
    }

    /// Kills alternate between the fetch (after a seeded number of machine pages) and the commit: a commit round
    /// runs with `MDE_LEDGER_TEST_KILL_AT=in-commit`, so the process dies inside its commit transaction, with the
    /// whole run written and nothing committed. After each kill `verify` passes and the ledger is the last committed
    /// run: unchanged, or, if a fetch-round kill came after the commit, exactly one more committed run.
    @Test func killedSyncsLeaveTheLastCommittedRun() async throws {
        let scratch = try TemporaryFolder()
        let db = scratch.path("l.sqlite")
        let sync = ["sync", "--no-graph", "--db", db, "--page-size", "100"]
        try await withSimulator(.init(devices: 2_500, rateLimits: .unlimited)) { sim in
            var committed = ""
            var runs: [String] = []
            var rng = SeededGenerator(seed: 20_261_102)
            for round in 0..<6 {
                if round % 3 == 0 {
                    // Now and then a run that completes, so the kills have a fresh last run to keep.
                    let whole = try await CLIRunner.run(sync, environment: sim.environment)
                    try #require(whole.status == 0, "\(whole.stderr)")
                    (committed, runs) = (try ledgerDump(db), try Self.runStatuses(db))
                }
                sim.simulator.advanceClock(by: 86_400)
                let duringCommit = round % 2 == 1
                var env = sim.environment
                if duringCommit { env["MDE_LEDGER_TEST_KILL_AT"] = "in-commit" }
                let machines = sim.simulator.requestCount("GET /api/machines")
                let process = try Self.start(sync, environment: env)
                if !duringCommit {
                    let page = Int.random(in: 1...25, using: &rng)
                    _ = try await Self.poll(while: process) {
                        sim.simulator.requestCount("GET /api/machines") >= machines + page
                    }
                    kill(process.processIdentifier, SIGKILL)
                }
                await onOwnThread { process.waitUntilExit() }
                if duringCommit {
                    #expect(process.terminationReason == .uncaughtSignal, "round \(round): the run killed itself")
                    #expect(
                        FileManager.default.fileExists(atPath: db + "-journal"),
                        "round \(round): the kill left the commit transaction's rollback journal")
                }
                // verify first: it is the first to open the file after the crash.
                let verified = try await CLIRunner.run(["verify", "--db", db])
                #expect(verified.status == 0, "round \(round): \(verified.stdout) \(verified.stderr)")
                let now = try ledgerDump(db)
                let statuses = try Self.runStatuses(db)
                if duringCommit {
                    #expect(now == committed, "round \(round): a run killed inside its commit leaves no trace")
                    #expect(statuses == runs, "round \(round)")
                } else if now != committed {
                    // Killed after its commit: the run is whole, and it is the newest.
                    #expect(statuses == runs + ["committed"], "round \(round)")
                }
                #expect(!statuses.contains("failed"), "a killed run records nothing, round \(round)")
                (committed, runs) = (now, statuses)
            }
            let last = try await CLIRunner.run(sync, environment: sim.environment)
            #expect(last.status == 0, "\(last.stderr)")
            #expect(last.stdout.contains("2500 machines"))
            #expect(try Self.runStatuses(db) == runs + ["committed"])
            let verified = try await CLIRunner.run(["verify", "--db", db])
            #expect(verified.status == 0, "\(verified.stderr)")
        }
    }

    /// A writer killed once its rollback journal is hot (changed pages already in the file): `verify`, a read-only
    /// command, rolls the journal back instead of failing with "attempt to write a readonly database".
    @Test func verifyRollsBackAHotJournal() async throws {
        let scratch = try TemporaryFolder()
        let db = scratch.path("l.sqlite")
        _ = try await CLIRunner.run(["init", "--db", db])
        let before = try ledgerDump(db)
        // A one-page cache makes SQLite write changed pages into the file mid-transaction; then it dies.
        let script = """
            import os, signal, sqlite3, sys
            c = sqlite3.connect(sys.argv[1], isolation_level=None)
            c.execute("PRAGMA cache_size = 1")
            c.execute("BEGIN")
            c.execute("CREATE TABLE junk (x BLOB)")
            for _ in range(100): c.execute("INSERT INTO junk VALUES (randomblob(4000))")
            os.kill(os.getpid(), signal.SIGKILL)
            """
        let python = Process()
        python.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        python.arguments = ["python3", "-c", script, db]
        try python.run()
        await onOwnThread { python.waitUntilExit() }
        #expect(python.terminationReason == .uncaughtSignal)
        let header = try #require(FileManager.default.contents(atPath: db + "-journal")).prefix(8)
        #expect(header.contains { $0 != 0 }, "the journal is hot: its header is written")
        let verified = try await CLIRunner.run(["verify", "--db", db])
        #expect(verified.status == 0, "\(verified.stderr)")
        #expect(!FileManager.default.fileExists(atPath: db + "-journal"))
        #expect(try ledgerDump(db) == before)
    }

    @Test func aSecondSyncIsRefusedWhileOneRuns() async throws {
        let scratch = try TemporaryFolder()
        let db = scratch.path("l.sqlite")
        let go = scratch.path("go")
        try await withSimulator(.init(devices: 50)) { sim in
            _ = try await CLIRunner.run(["init", "--db", db])
            // The first run holds the lock at the `locked` checkpoint until the test creates `go`.
            var held = sim.environment
            held["MDE_LEDGER_TEST_PAUSE_AT"] = "locked"
            held["MDE_LEDGER_TEST_PAUSE_FILE"] = go
            let first = Task { try await CLIRunner.run(["sync", "--no-graph", "--db", db], environment: held) }
            let holding = try await Self.awaitFile(go + ".reached")
            try #require(holding, "the first sync never reached its lock (within two minutes)")
            let second = try await CLIRunner.run(["sync", "--no-graph", "--db", db], environment: sim.environment)
            _ = FileManager.default.createFile(atPath: go, contents: Data())
            #expect(second.status == 75, "EX_TEMPFAIL: another run holds the lock")
            #expect(second.stderr.hasPrefix("error: another mde-ledger run is writing \(db)"), "\(second.stderr)")
            #expect(second.stderr.contains(", sync, since "), "the holder is named: \(second.stderr)")
            #expect(second.stderr.contains("wait for it to finish and run sync again"))
            #expect(!second.stderr.lowercased().contains("database is locked"))
            let done = try await first.value
            #expect(done.status == 0, "\(done.stderr)")
            #expect(sim.simulator.requestCount(Self.tokenRoute) == 1, "the refused run never called the service")
            #expect(try Self.runStatuses(db) == ["committed"], "the refused run left no row")
            let after = try await CLIRunner.run(["sync", "--no-graph", "--db", db], environment: sim.environment)
            #expect(after.status == 0, "the lock is gone with the run that held it: \(after.stderr)")
        }
    }

    /// Off a terminal each wait is one plain line on stderr (`waiting 4 s (rate limit)`), also with --no-progress.
    @Test(arguments: [[], ["--no-progress"]])
    func longWaitsArePlainLinesOffATerminal(flags: [String]) async throws {
        let scratch = try TemporaryFolder()
        try await withSimulator(.init(devices: 50)) { sim in
            // One call in 3 s: the second call (the actions page) waits about 4 s, the limiter's second included.
            let result = try await CLIRunner.run(
                ["sync", "--no-graph", "--db", scratch.path("l.sqlite"), "--rate-limit", "1/3s"] + flags,
                environment: sim.environment)
            #expect(result.status == 0, "\(result.stderr)")
            let waits = result.stderr.split(separator: "\n").filter { $0.contains("waiting") }
            #expect(waits.count == 1, "\(result.stderr)")
            for line in waits {
                #expect(line.wholeMatch(of: /waiting \d+ s \(rate limit\)/) != nil, "one plain line per wait: \(line)")
            }
            #expect(!result.stderr.contains("\r") && !result.stderr.contains("\u{1B}["), "no terminal codes")
        }
    }
}
