import Foundation
import GRDB
import MDESimulator
import MDETestSupport
import Testing

/// A server that echoes the request (some gateways and debug endpoints do) must not make the tool repeat a
/// credential: not on stderr, not in `sync_runs.error`, not in the `sync-health` report.
@Suite struct SecretRedactionTests {
    @Test func anEchoingTokenEndpointDoesNotLeakTheSecret() async throws {
        let folder = try TemporaryFolder()
        let db = folder.path("l.sqlite")
        let secret = "s3cret-value-0042"
        try await withSimulator(SimulatorConfiguration(devices: 5, clientSecret: secret, rateLimits: .unlimited)) {
            sim in
            let first = try await CLIRunner.run(["sync", "--no-progress", "--db", db], environment: sim.environment)
            #expect(first.status == 0, "\(first.stderr)")
            sim.simulator.failRequest("POST /{tenantId}/oauth2/v2.0/token", with: .echoRequest)
            let echoed = try await CLIRunner.run(["sync", "--no-progress", "--db", db], environment: sim.environment)
            #expect(echoed.status == 1)
            // The echo reached the tool (the form it sent is quoted) with the secret replaced.
            #expect(echoed.stderr.contains("client_secret=***"), "\(echoed.stderr)")
            #expect(!echoed.stderr.contains(secret))
            sim.simulator.failRequest("GET /api/machines", with: .echoRequest)
            let api = try await CLIRunner.run(["sync", "--no-progress", "--db", db], environment: sim.environment)
            #expect(api.status == 1)
            #expect(api.stderr.contains("authorization=Bearer ***"), "the access token too: \(api.stderr)")
        }
        let errors = try await DatabaseQueue(path: db).read {
            try String.fetchAll($0, sql: "SELECT error FROM sync_runs WHERE status = 'failed' ORDER BY id")
        }
        #expect(errors.count == 2)
        #expect(errors.allSatisfy { !$0.contains(secret) && $0.contains("***") }, "\(errors)")
        let report = try await CLIRunner.run(["report", "sync-health", "--db", db, "--format", "csv"])
        #expect(report.status == 0, "\(report.stderr)")
        #expect(!report.stdout.contains(secret))
    }
}
