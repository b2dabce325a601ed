import Foundation
import MDESimulator
import MDETestSupport
import Testing

/// Issue 19: `--cloud` and the tenant's `cloud` setting pick the token scope (and hosts); they must agree, and a
/// commercial region does not fit a US Government tenant.
@Suite struct CloudTests {
    /// The GCC High identifier URI, written here independently of the client's table.
    static let govScope = "https://securitycenter.onmicrosoft.us/windowsatpservice/.default"

    @Test func aGCCHighTenantAsksForItsCloudsScope() async throws {
        let folder = try TemporaryFolder()
        let db = folder.path("l.sqlite")
        var configuration = SimulatorConfiguration(devices: 3, rateLimits: .unlimited)
        configuration.scopes = [Self.govScope]
        try await withSimulator(configuration) { sim in
            // The commercial scope gets no token from a US Government app.
            let commercial = try await CLIRunner.run(
                ["sync", "--no-progress", "--db", db], environment: sim.environment)
            #expect(commercial.status == 1)
            #expect(commercial.stderr.contains("AADSTS1002012"), "\(commercial.stderr)")
            let gov = try await CLIRunner.run(
                ["sync", "--no-progress", "--db", db, "--cloud", "gcc-high"], environment: sim.environment)
            #expect(gov.status == 0, "\(gov.stderr)")
            // Stored for the tenant, every later run uses it without the flag.
            let set = try await CLIRunner.run(["tenant", "set", "default", "cloud", "gcc-high", "--db", db])
            #expect(set.status == 0, "\(set.stderr)")
            let stored = try await CLIRunner.run(["sync", "--no-progress", "--db", db], environment: sim.environment)
            #expect(stored.status == 0, "\(stored.stderr)")
            let disagree = try await CLIRunner.run(
                ["sync", "--no-progress", "--db", db, "--cloud", "public"], environment: sim.environment)
            #expect(disagree.status == 1)
            #expect(
                disagree.stderr.contains(
                    "--cloud public disagrees with tenant 'default', which is in cloud gcc-high; drop --cloud, or "
                        + "change the tenant with 'mde-ledger tenant set default cloud public'"), "\(disagree.stderr)")
        }
    }

    @Test func aScopeOverrideIsSentAsGiven() async throws {
        let folder = try TemporaryFolder()
        let db = folder.path("l.sqlite")
        var configuration = SimulatorConfiguration(devices: 2, rateLimits: .unlimited)
        configuration.scopes = ["https://api-gov.securitycenter.microsoft.us/.default"]
        try await withSimulator(configuration) { sim in
            let add = try await CLIRunner.run(
                [
                    "tenant", "add", "gov", "--db", db, "--cloud", "dod", "--scope",
                    "https://api-gov.securitycenter.microsoft.us/.default", "--tenant-id",
                    sim.simulator.configuration.tenantId,
                    "--client-id", "sim-client",
                ])
            #expect(add.status == 0, "\(add.stderr)")
            let sync = try await CLIRunner.run(
                ["sync", "--no-progress", "--db", db, "--tenant", "gov"], environment: sim.environment)
            #expect(sync.status == 0, "\(sync.stderr)")
            let list = try await CLIRunner.run(["tenant", "list", "--db", db])
            #expect(
                list.stdout.contains("cloud: dod  scope: https://api-gov.securitycenter.microsoft.us/.default"),
                "\(list.stdout)")
        }
    }

    @Test func badCloudSettingsAreRefusedWithTheFix() async throws {
        let folder = try TemporaryFolder()
        let db = folder.path("l.sqlite")
        let unknown = try await CLIRunner.run(["tenant", "add", "x", "--db", db, "--cloud", "china"])
        #expect(unknown.status != 0)
        #expect(unknown.stderr.contains("unknown cloud 'china'; use one of public, gcc, gcc-high, dod"))
        let scope = try await CLIRunner.run(["tenant", "add", "x", "--db", db, "--scope", "https://x.example/"])
        #expect(scope.stderr.contains("is not a resource URI ending in /.default"), "\(scope.stderr)")
        let add = try await CLIRunner.run(
            [
                "tenant", "add", "x", "--db", db, "--cloud", "gcc-high", "--region", "ina", "--tenant-id", "t",
                "--client-id", "c",
            ])
        #expect(add.status == 0, "\(add.stderr)")
        let sync = try await CLIRunner.run(
            ["sync", "--no-progress", "--db", db],
            environment: ["AZURE_CLIENT_SECRET": "s", "MDE_TOKEN_URL": "http://127.0.0.1:9/t"])
        #expect(sync.status == 1)
        #expect(
            sync.stderr.contains(
                "tenant 'x' has region 'ina', a host of the commercial cloud, but is in cloud gcc-high; clear it with "
                    + "'mde-ledger tenant set x region default'"), "\(sync.stderr)")
    }
}
