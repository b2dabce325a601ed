import Foundation
import MDETestSupport
import Testing

/// `--db postgresql://…` on the built binary against the test PostgreSQL server.
@Suite struct PostgresCLITests {
    static func url(_ database: String) throws -> String {
        "postgresql://postgres@/\(database)?host=\(try RunningPostgres.socketFolder())"
    }

    @Test func initMigratesAPostgresDatabaseAndMigrateListsIt() async throws {
        let url = try Self.url(try RunningPostgres.newDatabase())
        let first = try await CLIRunner.run(["init", "--db", url])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("PostgreSQL migrations applied"))
        #expect(first.stdout.contains("applied now: 0001_ledger"))
        let again = try await CLIRunner.run(["init", "--db", url])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(!again.stdout.contains("applied now"))
        let list = try await CLIRunner.run(["migrate", "--list"], environment: ["MDE_LEDGER_DB": url])
        #expect(list.status == 0, "\(list.stderr)")
        #expect(list.stdout.hasPrefix("0001_ledger  applied "))
    }

    @Test func otherCommandsRefuseAPostgresLedgerInsteadOfMakingAFileOfTheURL() async throws {
        let folder = try TemporaryFolder()
        let url = try Self.url(try RunningPostgres.newDatabase())
        for args in [["status", "abc"], ["report", "license-compliance"], ["verify"], ["sync"]] {
            let result = try await CLIRunner.run(args + ["--db", url], directory: folder.url)
            #expect(result.status == 64, "\(args): \(result.stderr)")
            #expect(result.stderr.contains("needs a SQLite ledger file"), "\(args): \(result.stderr)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.url.path).isEmpty)
    }

    @Test func aPasswordInTheURLIsRefusedAndNotEchoed() async throws {
        let result = try await CLIRunner.run(["init", "--db", "postgresql://owner:Hunter2xyz@db.example.jp/mde"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("password file"), "\(result.stderr)")
        #expect(!result.stderr.contains("Hunter2xyz"))
        #expect(!result.stdout.contains("Hunter2xyz"))
    }

    @Test func plainTextOffLoopbackIsRefusedBeforeConnecting() async throws {
        let result = try await CLIRunner.run([
            "migrate", "--list", "--db", "postgresql://db.example.jp/mde?sslmode=disable",
        ])
        #expect(result.status == 1)
        #expect(result.stderr.contains("use sslmode=require"), "\(result.stderr)")
    }
}
