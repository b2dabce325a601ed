import Foundation
import GRDB
import MDESimulator
import MDETestSupport
import Testing

/// Issue 19: managed identity on an Azure VM (IMDS), App Service and Azure Arc, against the simulator's identity
/// endpoints with the headers, api-versions and challenge each demands; never through a proxy.
@Suite struct ManagedIdentityTests {
    /// The simulator's environment without any app credential.
    static func environment(_ sim: RunningSimulator, _ extra: [String: String]) -> [String: String] {
        sim.environment.merging(["AZURE_CLIENT_SECRET": "", "AZURE_CLIENT_ID": "", "AZURE_TENANT_ID": ""]) { _, new in
            new
        }.merging(extra) { _, new in new }
    }

    static func sync(_ db: String, _ env: [String: String], _ options: [String] = []) async throws -> CLIResult {
        try await CLIRunner.run(["sync", "--no-progress", "--db", db] + options, environment: env)
    }

    @Test func aVMsSystemAssignedIdentityNeverGoesThroughTheProxy() async throws {
        let folder = try TemporaryFolder()
        let db = folder.path("l.sqlite")
        let proxy = try RunningProxy(in: folder)
        var configuration = SimulatorConfiguration(devices: 4, rateLimits: .unlimited)
        configuration.managedIdentity = SimulatedManagedIdentity(host: .imds)
        try await withSimulator(configuration) { sim in
            // IMDS under another name than the API, so the proxy's log tells the two apart.
            let env = Self.environment(
                sim, ["AZURE_POD_IDENTITY_AUTHORITY_HOST": "http://localhost:\(sim.port)", "HTTP_PROXY": proxy.url()])
            let result = try await Self.sync(db, env, ["--credential", "managed-identity"])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(!proxy.tunnels().isEmpty)
            #expect(proxy.tunnels().allSatisfy { $0 == "127.0.0.1:\(sim.port)" }, "\(proxy.tunnels())")
            // Without the flag nothing announces IMDS: auto does not probe it, and says what to do.
            let auto = try await Self.sync(db, env)
            #expect(auto.status == 1)
            #expect(auto.stderr.contains("or on an Azure VM use --credential managed-identity"), "\(auto.stderr)")
        }
        let kinds = try await DatabaseQueue(path: db).read {
            try String?.fetchAll(
                $0,
                sql: """
                    SELECT payload ->> '$.credential' FROM events
                    WHERE kind = 'run_committed' AND payload ->> '$.kind' IS NOT 'graph' ORDER BY seq
                    """)
        }
        #expect(kinds == ["managed-identity"])
    }

    @Test func aUserAssignedIdentityIsNamedByItsClientId() async throws {
        let folder = try TemporaryFolder()
        var configuration = SimulatorConfiguration(devices: 2, rateLimits: .unlimited)
        configuration.managedIdentity = SimulatedManagedIdentity(
            host: .imds, systemAssigned: nil, userAssigned: ["5b0c7d9e-uami"])
        try await withSimulator(configuration) { sim in
            let env = Self.environment(sim, ["AZURE_POD_IDENTITY_AUTHORITY_HOST": sim.baseURL])
            let none = try await Self.sync(folder.path("a.sqlite"), env, ["--credential", "managed-identity"])
            #expect(none.status == 1)
            #expect(
                none.stderr.contains(
                    "token request failed: 400 invalid_request: Identity not found; no managed identity "
                        + "is assigned to this host"), "\(none.stderr)")
            let wrong = try await Self.sync(
                folder.path("b.sqlite"), env.merging(["AZURE_CLIENT_ID": "other-uami"]) { _, new in new },
                ["--credential", "managed-identity"])
            #expect(wrong.stderr.contains("no user-assigned identity with client id other-uami"), "\(wrong.stderr)")
            let right = try await Self.sync(
                folder.path("c.sqlite"), env.merging(["AZURE_CLIENT_ID": "5b0c7d9e-uami"]) { _, new in new },
                ["--credential", "managed-identity"])
            #expect(right.status == 0, "\(right.stderr)")
        }
    }

    @Test func appServiceIsFoundByItsVariablesAndItsHeaderIsASecret() async throws {
        let folder = try TemporaryFolder()
        var configuration = SimulatorConfiguration(devices: 2, rateLimits: .unlimited)
        configuration.managedIdentity = SimulatedManagedIdentity(host: .appService(header: "hdr-7f3a9c21e5"))
        try await withSimulator(configuration) { sim in
            let env = Self.environment(
                sim, ["IDENTITY_ENDPOINT": sim.baseURL + "/msi/token", "IDENTITY_HEADER": "hdr-7f3a9c21e5"])
            let result = try await Self.sync(folder.path("a.sqlite"), env)
            #expect(result.status == 0, "\(result.stderr)")
            let wrong = try await Self.sync(
                folder.path("b.sqlite"), env.merging(["IDENTITY_HEADER": "hdr-wrong-0001"]) { _, new in new })
            #expect(wrong.status == 1)
            #expect(wrong.stderr.contains("token request failed: 401"), "\(wrong.stderr)")
            #expect(wrong.stderr.contains("check IDENTITY_HEADER"), "\(wrong.stderr)")
            #expect(!wrong.stderr.contains("hdr-wrong-0001"))
        }
    }

    @Test func azureArcAnswersItsKeyChallengeOnlyFromTheAgentsFolder() async throws {
        let folder = try TemporaryFolder()
        let keys = folder.path("tokens")
        try FileManager.default.createDirectory(atPath: keys, withIntermediateDirectories: true)
        var configuration = SimulatorConfiguration(devices: 2, rateLimits: .unlimited)
        configuration.managedIdentity = SimulatedManagedIdentity(host: .arc(keyDirectory: keys))
        try await withSimulator(configuration) { sim in
            let env = Self.environment(
                sim,
                [
                    "IDENTITY_ENDPOINT": sim.baseURL + "/metadata/identity/oauth2/token", "IMDS_ENDPOINT": sim.baseURL,
                    "MDE_LEDGER_ARC_KEY_DIRECTORY": keys,
                ])
            let result = try await Self.sync(folder.path("a.sqlite"), env)
            #expect(result.status == 0, "\(result.stderr)")
            // An endpoint naming a file elsewhere is not believed: nothing outside the agent's folder is read.
            let elsewhere = try await Self.sync(
                folder.path("b.sqlite"),
                env.merging(["MDE_LEDGER_ARC_KEY_DIRECTORY": folder.path("other")]) { _, new in new })
            #expect(elsewhere.status == 1)
            #expect(elsewhere.stderr.contains("not a .key file in"), "\(elsewhere.stderr)")
            let uami = try await Self.sync(
                folder.path("c.sqlite"), env.merging(["AZURE_CLIENT_ID": "some-uami"]) { _, new in new })
            #expect(uami.stderr.contains("Azure Arc servers have only a system-assigned identity"), "\(uami.stderr)")
        }
    }

    @Test func anIdentityEndpointOffTheMachineIsRefused() async throws {
        let folder = try TemporaryFolder()
        let result = try await CLIRunner.run(
            ["sync", "--no-progress", "--db", folder.path("l.sqlite"), "--credential", "managed-identity"],
            environment: ["AZURE_POD_IDENTITY_AUTHORITY_HOST": "http://identity.example.com"])
        #expect(result.status == 1)
        #expect(
            result.stderr.contains("is plain http to a host that is neither loopback nor 169.254.169.254"),
            "\(result.stderr)")
    }
}
