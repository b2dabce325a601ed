import Foundation
import GRDB
import MDESimulator
import MDETestSupport
import Testing

/// Workload identity federation: no client secret, the token request presents the federated token file (read
/// again for every token, since the platform rotates it), and each run records the kind of credential it used.
@Suite struct WorkloadIdentityTests {
    static func credentialKinds(_ db: String) async throws -> [String?] {
        try await DatabaseQueue(path: db).read {
            try String?.fetchAll(
                $0,
                sql: """
                    SELECT payload ->> '$.credential' FROM events
                    WHERE kind = 'run_committed' AND payload ->> '$.kind' IS NOT 'graph' ORDER BY seq
                    """)
        }
    }

    @Test func aSyncWithAFederatedTokenFileAndNoSecret() async throws {
        let folder = try TemporaryFolder()
        let db = folder.path("l.sqlite")
        let tokenFile = folder.path("azure-identity-token")
        var configuration = SimulatorConfiguration(devices: 5, rateLimits: .unlimited)
        configuration.federatedTokens = ["eyJ.federated-token-one.sig", "eyJ.federated-token-two.sig"]
        try await withSimulator(configuration) { sim in
            let env = sim.environment.merging(["AZURE_CLIENT_SECRET": "", "AZURE_FEDERATED_TOKEN_FILE": tokenFile]) {
                _, new in new
            }
            try "eyJ.federated-token-one.sig\n".write(toFile: tokenFile, atomically: true, encoding: .utf8)
            let first = try await CLIRunner.run(["sync", "--no-progress", "--db", db], environment: env)
            #expect(first.status == 0, "\(first.stderr)")
            // The platform rotated the file: the next token request reads the new one.
            try "eyJ.federated-token-two.sig".write(toFile: tokenFile, atomically: true, encoding: .utf8)
            let rotated = try await CLIRunner.run(
                ["sync", "--no-progress", "--db", db, "--credential", "workload-identity"], environment: env)
            #expect(rotated.status == 0, "\(rotated.stderr)")
            try "eyJ.someone-elses-token.sig".write(toFile: tokenFile, atomically: true, encoding: .utf8)
            let refused = try await CLIRunner.run(["sync", "--no-progress", "--db", db], environment: env)
            #expect(refused.status == 1)
            #expect(refused.stderr.contains("AADSTS700211"), "\(refused.stderr)")
            // With a secret set too, auto takes the secret first (Azure Identity's order).
            let secret = try await CLIRunner.run(
                ["sync", "--no-progress", "--db", db],
                environment: env.merging(["AZURE_CLIENT_SECRET": "sim-secret"]) { _, new in new })
            #expect(secret.status == 0, "\(secret.stderr)")
        }
        #expect(try await Self.credentialKinds(db) == ["workload-identity", "workload-identity", "secret"])
    }

    @Test func aMissingFederatedTokenFileIsNamed() async throws {
        let folder = try TemporaryFolder()
        let missing = try await CLIRunner.run(
            ["sync", "--no-progress", "--db", folder.path("l.sqlite"), "--credential", "workload-identity"],
            environment: ["AZURE_TENANT_ID": "t", "AZURE_CLIENT_ID": "c"])
        #expect(missing.stderr.contains("AZURE_FEDERATED_TOKEN_FILE is not set"), "\(missing.stderr)")
    }
}
