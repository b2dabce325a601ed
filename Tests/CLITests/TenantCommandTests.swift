import Foundation
import GRDB
import MDESimulator
import MDETestSupport
import Testing

/// `mde-ledger tenant …` and `sync --tenant` with per-tenant secrets, against two simulated tenants.
@Suite struct TenantCommandTests {
    @Test func addListAndSet() async throws {
        let scratch = try TemporaryFolder()
        let db = scratch.path("l.sqlite")
        let added = try await CLIRunner.run([
            "tenant", "add", "contoso-eu", "--db", db, "--tenant-id", "11111111-2222-3333-4444-555555555555",
            "--client-id", "app-1", "--region", "eu", "--retention-days", "90",
        ])
        #expect(added.status == 0, "\(added.stderr)")
        #expect(added.stdout.contains("secret: AZURE_CLIENT_SECRET_CONTOSO_EU or AZURE_CLIENT_SECRET_FILE_CONTOSO_EU"))
        _ = try await CLIRunner.run(["tenant", "add", "fabrikam", "--db", db])
        let set = try await CLIRunner.run(["tenant", "set", "fabrikam", "stale_hours", "72", "--db", db])
        #expect(set.status == 0, "\(set.stderr)")
        #expect(set.stdout == "tenant fabrikam: stale_hours default → 72\n")
        let list = try await CLIRunner.run(
            ["tenant", "list", "--db", db], environment: ["AZURE_CLIENT_SECRET_CONTOSO_EU": "not-shown-anywhere"])
        #expect(list.status == 0, "\(list.stderr)")
        #expect(list.stdout.contains("api: https://eu.api.security.microsoft.com (region eu)"))
        #expect(list.stdout.contains("retention_days=90*"))
        #expect(list.stdout.contains("stale_hours=72*"))
        #expect(list.stdout.contains("(now: AZURE_CLIENT_SECRET_CONTOSO_EU)"))
        #expect(!list.stdout.contains("not-shown-anywhere"))
        let bad = try await CLIRunner.run(["tenant", "set", "fabrikam", "retention_days", "0", "--db", db])
        #expect(bad.status == 1 && bad.stderr.contains("retention_days must be a whole number from 1 to 3650"))
    }

    @Test func aSecretIsNeverAFlag() async throws {
        let scratch = try TemporaryFolder()
        let result = try await CLIRunner.run(
            ["tenant", "add", "x", "--db", scratch.path("l.sqlite"), "--client-secret", "s"])
        #expect(result.status == 64)
    }

    @Test func syncEachTenantWithItsOwnSecret() async throws {
        let scratch = try TemporaryFolder()
        let db = scratch.path("l.sqlite")
        let secretFile = scratch.path("beta.secret")
        try Data("beta-secret-value\n".utf8).write(to: URL(fileURLWithPath: secretFile))
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: secretFile)
        let alphaConfig = SimulatorConfiguration(
            seed: 1, devices: 30, tenantId: "aaaaaaaa-0000-4000-8000-000000000001", clientId: "alpha-app",
            clientSecret: "alpha-secret-value")
        let betaConfig = SimulatorConfiguration(
            seed: 2, devices: 20, tenantId: "bbbbbbbb-0000-4000-8000-000000000002", clientId: "beta-app",
            clientSecret: "beta-secret-value")
        try await withSimulator(alphaConfig) { alpha in
            try await withSimulator(betaConfig) { beta in
                for (name, sim) in [("alpha", alpha), ("beta", beta)] {
                    let config = sim.simulator.configuration
                    let added = try await CLIRunner.run([
                        "tenant", "add", name, "--db", db, "--tenant-id", config.tenantId, "--client-id",
                        config.clientId, "--base-url", sim.baseURL, "--token-url", sim.tokenURL,
                    ])
                    #expect(added.status == 0, "\(added.stderr)")
                }
                // No plain AZURE_* variables at all: each tenant's row and its own secret are enough.
                let env = [
                    "AZURE_CLIENT_SECRET_ALPHA": "alpha-secret-value", "AZURE_CLIENT_SECRET_FILE_BETA": secretFile,
                ]
                let a = try await CLIRunner.run(
                    ["sync", "--db", db, "--tenant", "alpha", "--no-progress"], environment: env)
                #expect(a.status == 0, "\(a.stderr)")
                #expect(a.stdout.contains("for tenant alpha") && a.stdout.contains("30 machines"), "\(a.stdout)")
                let b = try await CLIRunner.run(
                    ["sync", "--db", db, "--tenant", "beta", "--no-progress"], environment: env)
                #expect(b.status == 0, "\(b.stderr)")
                #expect(b.stdout.contains("for tenant beta") && b.stdout.contains("20 machines"), "\(b.stdout)")
                let neither = try await CLIRunner.run(["sync", "--db", db], environment: env)
                #expect(neither.status == 1)
                #expect(
                    neither.stderr.contains("several tenants (alpha, beta); pass --tenant NAME"), "\(neither.stderr)")
                // The other tenant's secret does not open this one.
                let wrong = try await CLIRunner.run(
                    ["sync", "--db", db, "--tenant", "alpha"],
                    environment: ["AZURE_CLIENT_SECRET_ALPHA": "beta-secret-value"])
                #expect(wrong.status == 1 && wrong.stderr.contains("invalid_client"), "\(wrong.stderr)")
                let missing = try await CLIRunner.run(["sync", "--db", db, "--tenant", "alpha"])
                #expect(missing.status == 1)
                #expect(
                    missing.stderr.contains("no client secret for tenant 'alpha'; export AZURE_CLIENT_SECRET_ALPHA"))
            }
        }
        let bytes = try Data(contentsOf: URL(fileURLWithPath: db))
        #expect(bytes.range(of: Data("secret-value".utf8)) == nil, "secrets never reach the ledger")
        let counts = try await DatabaseQueue(path: db).read {
            try String.fetchAll(
                $0,
                sql:
                    "SELECT t.name || '=' || count(m.id) FROM tenants t JOIN machines m ON m.tenant = t.id GROUP BY t.id ORDER BY t.name"
            )
        }
        #expect(counts == ["alpha=30", "beta=20"])
    }
}
