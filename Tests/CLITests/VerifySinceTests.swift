import Foundation
import MDESimulator
import MDETestSupport
import Testing

/// Issue 22: `verify --since SEQ:HASH`, the daily check. It proves the trusted head unchanged and checks what was
/// recorded after it; an edit of that part fails it, an edit of older history is left to the full verify.
@Suite struct VerifySinceTests {
    typealias Tamper = VerifyTamperIITests

    /// A ledger of three syncs a week apart; the head after the first one.
    static func ledger(_ folder: TemporaryFolder) async throws -> (db: String, trusted: String) {
        let db = folder.path("l.sqlite")
        let configuration = SimulatorConfiguration(devices: 60, rateLimits: .unlimited, reonboardFraction: 0)
        let trusted = try await withSimulator(configuration) { sim -> String in
            var trusted = ""
            for round in 0..<3 {
                if round > 0 { sim.simulator.advanceClock(by: 7 * 86_400) }
                let sync = try await CLIRunner.run(
                    ["sync", "--no-progress", "--no-graph", "--db", db], environment: sim.environment)
                #expect(sync.status == 0, "\(sync.stderr)")
                if round == 0 { trusted = try await head(db) }
            }
            return trusted
        }
        return (db, trusted)
    }

    static func head(_ db: String) async throws -> String {
        let verify = try await CLIRunner.run(["verify", "--db", db, "--quick"])
        #expect(verify.status == 0, "\(verify.stderr)")
        return try #require(
            verify.stdout.split(separator: "\n").first { $0.hasPrefix("head: ") }.map { String($0.dropFirst(6)) })
    }

    /// A copy of the ledger with `sql` run on it past the append-only triggers (dropped and put back).
    static func tampered(_ db: String, _ folder: TemporaryFolder, _ name: String, _ sql: String) throws -> String {
        let copy = folder.path("\(name).sqlite")
        try FileManager.default.copyItem(atPath: db, toPath: copy)
        let triggers = try Tamper.sqlite3(
            copy, "SELECT group_concat(sql, ';\n') || ';' FROM sqlite_master WHERE type = 'trigger'")
        let names = try Tamper.sqlite3(
            copy, "SELECT group_concat('DROP TRIGGER ' || name, ';') FROM sqlite_master WHERE type = 'trigger'")
        try Tamper.sqlite3(copy, names + ";" + sql + ";" + triggers)
        return copy
    }

    @Test func theDailyCheckFindsWhatChangedAfterTheTrustedHeadAndOnlyThat() async throws {
        let folder = try TemporaryFolder()
        let (db, trusted) = try await Self.ledger(folder)
        let trustedSeq = try #require(Int(trusted.prefix { $0 != ":" }))
        let firstRun = try #require(Int(try Tamper.sqlite3(db, "SELECT run FROM events WHERE seq = \(trustedSeq)")))

        let clean = try await CLIRunner.run(["verify", "--db", db, "--since", trusted])
        #expect(clean.status == 0, "\(clean.stderr)")
        #expect(clean.stdout.contains("run digests checked after trusted head \(trusted)"), "\(clean.stdout)")
        #expect(clean.stdout.contains("history: 2 run digests"), "\(clean.stdout)")
        #expect(clean.stdout.contains("head: \(try await Self.head(db))"))

        let cases: [(name: String, sql: String, problem: String)] = [
            // A later run's lastSeen sighting: its run digest no longer matches.
            (
                "later-row",
                "UPDATE device_sightings SET fraction = '9' WHERE run = (SELECT max(run) FROM device_sightings) "
                    + "AND device = (SELECT min(device) FROM device_sightings WHERE run = "
                    + "(SELECT max(run) FROM device_sightings))",
                "was altered after commit"
            ),
            // A later event: the chain from the trusted head breaks.
            (
                "later-event",
                "UPDATE events SET subject = 'x' WHERE seq = \(trustedSeq + 2)", "first broken link"
            ),
            // The trusted head itself rewritten.
            (
                "head", "UPDATE events SET payload = '{}' WHERE seq = \(trustedSeq)", "is gone"
            ),
            // The derived state of a device the later runs sighted.
            (
                "derived",
                "UPDATE device_latest SET last_seen = last_seen + 1 WHERE device = "
                    + "(SELECT max(device) FROM device_sightings WHERE run > \(firstRun))",
                "device_latest differs from history"
            ),
        ]
        for (name, sql, problem) in cases {
            let copy = try Self.tampered(db, folder, name, sql)
            let since = try await CLIRunner.run(["verify", "--db", copy, "--since", trusted, "--quick"])
            #expect(since.status == 1, "\(name): \(since.stdout)")
            #expect(since.stderr.contains(problem), "\(name): \(since.stderr)")
        }

        // History recorded before the trusted head is the full verify's to check: the daily one does not walk it.
        // It still sees an edit that changes today's answers, through the kept answers (docs/verify.md).
        let old = try Self.tampered(
            db, folder, "earlier-row",
            "UPDATE machine_observations SET health_status = 'Inactive' WHERE seq = "
                + "(SELECT min(seq) FROM machine_observations WHERE run = \(firstRun))")
        let daily = try await CLIRunner.run(["verify", "--db", old, "--since", trusted, "--quick"])
        #expect(!daily.stderr.contains("history of run \(firstRun)"), "\(daily.stderr)")
        #expect(
            daily.status == 1 && daily.stderr.contains("kept_answers") && daily.stderr.contains("full verify"),
            "\(daily.stderr)")
        let full = try await CLIRunner.run(["verify", "--db", old, "--quick"])
        #expect(full.status == 1 && full.stderr.contains("history of run \(firstRun) was altered"), "\(full.stderr)")

        let bad = try await CLIRunner.run(["verify", "--db", db, "--since", "12:abc"])
        #expect(bad.status == 64 && bad.stderr.contains("--since"))
    }
}
