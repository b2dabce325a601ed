import Foundation
import MDETestSupport
import Testing

/// Issue 18's tamper cases that `verify` passed before, each on a fresh copy of a real synced ledger, edited with
/// the sqlite3 shell as an attacker would.
@Suite struct VerifyTamperIITests {
    /// A synced 60-device ledger, verified clean first.
    static func ledger(_ folder: TemporaryFolder) async throws -> String {
        let db = folder.path("l.sqlite")
        try await withSimulator(OffboardCLIFixture.configuration(devices: 60)) { sim in
            let sync = try await CLIRunner.run(["sync", "--no-progress", "--db", db], environment: sim.environment)
            #expect(sync.status == 0, "\(sync.stderr)")
        }
        let clean = try await CLIRunner.run(["verify", "--db", db])
        #expect(clean.status == 0, "\(clean.stderr)")
        #expect(clean.stdout.contains("integrity: PRAGMA integrity_check ok"))
        return db
    }

    /// Runs SQL in the sqlite3 shell and returns what it printed.
    @discardableResult
    static func sqlite3(_ db: String, _ sql: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["sqlite3", db, sql]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "sqlite3 failed on: \(sql)")
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Item 4: `LIKE 'sqlite_%'` hid any object named sqlite?… (in LIKE `_` matches any character).
    @Test func anObjectNamedLikeSQLitesOwnIsStillAnAddedObject() async throws {
        let folder = try TemporaryFolder()
        let db = try await Self.ledger(folder)
        try Self.sqlite3(
            db,
            "CREATE TRIGGER sqlitex_quiet AFTER INSERT ON retirements BEGIN SELECT 1; END;")
        let result = try await CLIRunner.run(["verify", "--db", db])
        #expect(result.status == 1)
        #expect(
            result.stderr.contains("schema object trigger sqlitex_quiet was added outside the migrations"),
            "\(result.stderr)")
    }

    /// Item 5: two indexes of one table swapped through writable_schema. No row and no schema text changed and
    /// quick_check passes, but lookups by name now go through the wrong index.
    @Test func anIndexInconsistentWithItsTableFailsVerifyUnlessQuick() async throws {
        let folder = try TemporaryFolder()
        let db = try await Self.ledger(folder)
        let pages = try Self.sqlite3(
            db,
            "SELECT group_concat(rootpage) FROM (SELECT rootpage FROM sqlite_master "
                + "WHERE name IN ('machine_observations_by_aad', 'machine_observations_by_host') ORDER BY name)"
        ).split(separator: ",")
        try #require(pages.count == 2)
        try Self.sqlite3(
            db,
            """
            PRAGMA writable_schema = ON;
            UPDATE sqlite_master SET rootpage = \(pages[1]) WHERE name = 'machine_observations_by_aad';
            UPDATE sqlite_master SET rootpage = \(pages[0]) WHERE name = 'machine_observations_by_host';
            """)
        #expect(try Self.sqlite3(db, "PRAGMA quick_check") == "ok", "quick_check does not see it")
        let result = try await CLIRunner.run(["verify", "--db", db])
        #expect(result.status == 1)
        #expect(result.stdout.contains("integrity: PRAGMA integrity_check failed"), "\(result.stdout)")
        #expect(result.stderr.contains("missing from index machine_observations_by_"), "\(result.stderr)")
        let quick = try await CLIRunner.run(["verify", "--quick", "--db", db])
        #expect(quick.stdout.contains("integrity: skipped (--quick)"), "\(quick.stdout)")
    }

    /// Item 7 (the outbox part): who requested an offboard and why, and what the API answered, are rewritten in
    /// the tables `status` reads; each row must still say what its chained event says.
    @Test(arguments: [
        (
            "DROP TRIGGER outbox_plans_no_update; UPDATE outbox_plans SET requested_by = 'mallory'",
            "requested_by differs"
        ),
        (
            "DROP TRIGGER outbox_plans_no_update; UPDATE outbox_plans SET comment = 'approved by CISO'",
            "comment differs"
        ),
        (
            "DROP TRIGGER outbox_steps_no_update; UPDATE outbox_steps SET step = 'rejected', message = 'refused' "
                + "WHERE step = 'accepted'", "differs from its outbox_step event"
        ),
        (
            "DROP TRIGGER outbox_steps_no_delete; DELETE FROM outbox_steps WHERE step = 'sent'",
            "differs from its outbox_step"
        ),
        (
            "DROP TRIGGER outbox_plans_no_update; UPDATE outbox_plans SET document = replace(document, 'alice', 'eve')",
            "no longer hashes to its SHA-256"
        ),
    ])
    func editedOutboxHistoryFailsVerify(sql: String, problem: String) async throws {
        let folder = try TemporaryFolder()
        let db = folder.path("l.sqlite")
        try await withSimulator(OffboardCLIFixture.configuration(devices: 60)) { sim in
            let f = try await OffboardCLIFixture.make(sim, folder)
            let ids = try f.offboardable(2)
            let run = try await f.run(
                ["offboard", "--device"] + ids + ["--comment", "CHG-1", "--yes"] + OffboardCommandTests.fast)
            #expect(run.status == 0, "\(run.stderr)")
        }
        #expect(try await CLIRunner.run(["verify", "--db", db]).status == 0)
        try Self.sqlite3(db, sql)
        let result = try await CLIRunner.run(["verify", "--db", db])
        #expect(result.status == 1)
        #expect(result.stderr.contains(problem), "\(result.stderr)")
    }
}
