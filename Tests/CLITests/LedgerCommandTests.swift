import Foundation
import GRDB
import MDETestSupport
import Testing

@Suite struct LedgerCommandTests {
    @Test func initThenVerifyThenMigrateList() async throws {
        let scratch = try TemporaryFolder()
        let db = scratch.path("l.sqlite")
        let initialized = try await CLIRunner.run(["init", "--db", db])
        #expect(initialized.status == 0, "\(initialized.stderr)")
        let migrations = try FileManager.default.contentsOfDirectory(atPath: TestFiles.inRepository("migrations"))
            .filter { $0.hasSuffix(".sql") }.count
        #expect(initialized.stdout.contains("at schema version \(migrations) (\(migrations) migrations applied)"))
        let verified = try await CLIRunner.run(["verify"], environment: ["MDE_LEDGER_DB": db])
        #expect(verified.status == 0, "\(verified.stderr)")
        #expect(verified.stdout.contains("ok: the ledger verifies"))
        let listed = try await CLIRunner.run(["migrate", "--list", "--db", db])
        #expect(listed.stdout.hasPrefix("0001_ledger  applied "))
    }

    @Test func commandsOnAMissingLedgerSayRunInit() async throws {
        let scratch = try TemporaryFolder()
        let result = try await CLIRunner.run(["verify", "--db", scratch.path("missing.sqlite")])
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("error: no ledger at"))
        #expect(result.stderr.contains("mde-ledger init"))
        #expect(!FileManager.default.fileExists(atPath: scratch.path("missing.sqlite")))
    }

    @Test func verifyFailsOnATamperedLedger() async throws {
        let scratch = try TemporaryFolder()
        let db = scratch.path("l.sqlite")
        _ = try await CLIRunner.run(["init", "--db", db])
        let queue = try DatabaseQueue(path: db)
        try await queue.write { db in try db.execute(sql: "DROP TRIGGER events_no_update") }
        let result = try await CLIRunner.run(["verify", "--db", db])
        #expect(result.status == 1)
        #expect(result.stderr.contains("trigger events_no_update is missing"))
    }

    @Test func migrateWithoutListIsUsage() async throws {
        let result = try await CLIRunner.run(["migrate"])
        #expect(result.status == 64)
    }
}
