import Foundation
import GRDB
import MDETestSupport
import Testing

/// The user's walk: simulate, sync, sync again, query; and answers about the past that do not change.
@Suite struct SyncCommandTests {
    @Test func syncTwiceThenQueryWithSqlite() async throws {
        let scratch = try TemporaryFolder()
        try await withSimulator(.init(devices: 250)) { sim in
            let first = try await CLIRunner.run(
                ["sync", "--no-progress"], environment: sim.environment, directory: scratch.url)
            #expect(first.status == 0, "\(first.stderr)")
            #expect(first.stdout.contains("250 machines"))
            #expect(first.stdout.contains("250 discovered"))
            let second = try await CLIRunner.run(["sync"], environment: sim.environment, directory: scratch.url)
            #expect(
                second.stdout.contains(
                    "written: 0 machine observations (0 lastSeen only), 0 action observations, 1 events"))
            let ledger = scratch.path("mde-ledger.sqlite")
            let machines = try await DatabaseQueue(path: ledger).read {
                try Int.fetchOne($0, sql: "SELECT count(*) FROM machines")
            }
            #expect(machines == 250)
        }
    }

    @Test func secretsNeverReachTheLedgerOrOutput() async throws {
        let scratch = try TemporaryFolder()
        try await withSimulator(.init(devices: 50, clientSecret: "s3cr3t-value-that-must-not-leak")) { sim in
            let result = try await CLIRunner.run(["sync"], environment: sim.environment, directory: scratch.url)
            #expect(result.status == 0, "\(result.stderr)")
            let bytes = try Data(contentsOf: scratch.url.appendingPathComponent("mde-ledger.sqlite"))
            #expect(bytes.range(of: Data("s3cr3t-value".utf8)) == nil)
            #expect(!result.stdout.contains("s3cr3t") && !result.stderr.contains("s3cr3t"))
        }
    }

    @Test func wrongSecretIsAClearErrorAndCreatesNoHistory() async throws {
        let scratch = try TemporaryFolder()
        try await withSimulator(.init(devices: 10)) { sim in
            var env = sim.environment
            env["AZURE_CLIENT_SECRET"] = "wrong"
            let result = try await CLIRunner.run(["sync"], environment: env, directory: scratch.url)
            #expect(result.status == 1)
            #expect(result.stderr.hasPrefix("error: "))
            #expect(result.stderr.contains("invalid_client"))
            #expect(!result.stderr.contains("wrong"))
        }
    }

    @Test func plainHttpOffLoopbackIsRefused() async throws {
        let scratch = try TemporaryFolder()
        let env = ["AZURE_TENANT_ID": "t", "AZURE_CLIENT_ID": "c", "AZURE_CLIENT_SECRET": "s"]
        let result = try await CLIRunner.run(
            ["sync", "--base-url", "http://mde.example.com", "--token-url", "http://127.0.0.1:1/t"], environment: env,
            directory: scratch.url)
        #expect(result.status == 1)
        #expect(result.stderr.contains("plain http"))
        #expect(!FileManager.default.fileExists(atPath: scratch.path("mde-ledger.sqlite")))
    }

    /// What `devices` printed after each sync is printed again, byte for byte, by `devices --as-of` that time.
    @Test func answersAboutThePastAreReproduced() async throws {
        let scratch = try TemporaryFolder()
        try await withSimulator(.init(devices: 300)) { sim in
            var printed: [(asOf: String, csv: String)] = []
            for step in [1.0, 2, 5, 9, 30] {
                let sync = try await CLIRunner.run(["sync"], environment: sim.environment, directory: scratch.url)
                #expect(sync.status == 0, "\(sync.stderr)")
                let asOf = try #require(sync.stdout.firstMatch(of: /as of (\S+):/)?.1)
                let now = try await CLIRunner.run(["devices", "--format", "csv"], directory: scratch.url)
                printed.append((String(asOf), now.stdout))
                sim.simulator.advanceClock(by: step * 86_400)
            }
            #expect(Set(printed.map(\.csv)).count > 1, "the tenant changed between syncs")
            for (asOf, csv) in printed {
                let again = try await CLIRunner.run(
                    ["devices", "--format", "csv", "--as-of", asOf], directory: scratch.url)
                #expect(again.stdout == csv, "devices --as-of \(asOf)")
            }
        }
    }
}
