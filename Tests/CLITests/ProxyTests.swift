import Foundation
import MDESimulator
import MDETestSupport
import Testing

/// `sync` through a real proxy (tinyproxy on loopback): the simulator is reached only through it, as a corporate
/// network allows, with and without Basic authentication; a proxy that refuses or is down gives an error naming it.
@Suite struct ProxyTests {
    static let configuration = SimulatorConfiguration(devices: 20, rateLimits: .unlimited)

    static func sync(
        _ sim: RunningSimulator, _ folder: TemporaryFolder, _ extra: [String: String], _ options: [String] = []
    ) async throws -> CLIResult {
        try await CLIRunner.run(
            ["sync", "--no-progress", "--db", folder.path("l.sqlite")] + options,
            environment: sim.environment.merging(extra) { _, new in new })
    }

    @Test func aSyncReachesTheServiceOnlyThroughTheProxy() async throws {
        let folder = try TemporaryFolder()
        let proxy = try RunningProxy(in: folder)
        try await withSimulator(Self.configuration) { sim in
            let result = try await Self.sync(sim, folder, ["HTTP_PROXY": proxy.url()])
            #expect(result.status == 0, "\(result.stderr)")
            // The token request and the API calls: every connection was a tunnel through the proxy.
            #expect(!proxy.tunnels().isEmpty)
            #expect(proxy.tunnels().allSatisfy { $0 == "127.0.0.1:\(sim.port)" }, "\(proxy.tunnels())")
        }
    }

    @Test(arguments: ["127.0.0.1", "*", ".0.0.1", "127.0.0.0/8"])
    func noProxyListsHostsReachedDirectly(entry: String) async throws {
        let folder = try TemporaryFolder()
        let proxy = try RunningProxy(in: folder)
        try await withSimulator(Self.configuration) { sim in
            let noProxy = entry == ".0.0.1" ? "localhost" : entry  // a domain that does not match stays proxied
            let result = try await Self.sync(sim, folder, ["HTTP_PROXY": proxy.url(), "NO_PROXY": noProxy])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(proxy.tunnels().isEmpty == (entry != ".0.0.1"), "\(entry): \(proxy.tunnels())")
        }
    }

    @Test func basicAuthenticationWithThePasswordFromAFile() async throws {
        let folder = try TemporaryFolder()
        let proxy = try RunningProxy(in: folder, credentials: ("alice", "pr0xy-pass"))
        let good = folder.path("good-password")
        try "pr0xy-pass\n".write(toFile: good, atomically: true, encoding: .utf8)
        let bad = folder.path("bad-password")
        try "wrong-pass".write(toFile: bad, atomically: true, encoding: .utf8)
        try await withSimulator(Self.configuration) { sim in
            let refused = try await Self.sync(
                sim, folder,
                [
                    "HTTPS_PROXY": "", "HTTP_PROXY": proxy.url(user: "alice"),
                    "MDE_LEDGER_PROXY_PASSWORD_FILE": bad,
                ])
            #expect(refused.status == 1)
            // tinyproxy answers wrong credentials with 401, not 407: the message names both causes.
            #expect(
                refused.stderr.contains(
                    "the proxy http://alice@127.0.0.1:\(proxy.port) refused the tunnel to 127.0.0.1:\(sim.port); "
                        + "check the user and the password in MDE_LEDGER_PROXY_PASSWORD_FILE"),
                "\(refused.stderr)")
            // Without any credentials it asks for them (407).
            let anonymous = try await Self.sync(sim, folder, ["HTTP_PROXY": proxy.url()])
            #expect(anonymous.status == 1)
            #expect(
                anonymous.stderr.contains("the proxy http://127.0.0.1:\(proxy.port) asks for credentials (407)"),
                "\(anonymous.stderr)")
            #expect(!refused.stderr.contains("wrong-pass"))
            #expect(sim.simulator.requestCount("GET /api/machines") == 0)
            let ok = try await Self.sync(
                sim, folder, ["HTTP_PROXY": proxy.url(user: "alice"), "MDE_LEDGER_PROXY_PASSWORD_FILE": good])
            #expect(ok.status == 0, "\(ok.stderr)")
            #expect(!proxy.tunnels().isEmpty)
            #expect(sim.simulator.requestCount("GET /api/machines") > 0)
        }
    }

    @Test func aProxyThatRefusesTheTunnelIsNamed() async throws {
        let folder = try TemporaryFolder()
        let proxy = try RunningProxy(in: folder, connectPorts: [443])
        try await withSimulator(Self.configuration) { sim in
            let result = try await Self.sync(sim, folder, ["HTTP_PROXY": proxy.url()])
            #expect(result.status == 1)
            #expect(
                result.stderr.contains(
                    "the proxy http://127.0.0.1:\(proxy.port) refused the tunnel to 127.0.0.1:\(sim.port)"),
                "\(result.stderr)")
            #expect(sim.simulator.requestCount("GET /api/machines") == 0)
        }
    }

    @Test func aProxyThatIsDownGivesUpWithinTheRetryBudget() async throws {
        let folder = try TemporaryFolder()
        let port = try RunningProxy.freePort()
        try await withSimulator(Self.configuration) { sim in
            let result = try await Self.sync(
                sim, folder, ["HTTP_PROXY": "http://127.0.0.1:\(port)"], ["--retry-budget", "2"])
            #expect(result.status == 1)
            #expect(result.stderr.contains("cannot reach the proxy http://127.0.0.1:\(port)"), "\(result.stderr)")
            #expect(result.stderr.contains("(retry budget 2 s, --retry-budget)"), "\(result.stderr)")
        }
    }

    /// A closed port fails each attempt at once (the pool does not retry inside one attempt), so the run ends
    /// within the budget it prints instead of minutes later.
    @Test func aClosedPortGivesUpWithinTheRetryBudget() async throws {
        let folder = try TemporaryFolder()
        let port = try RunningProxy.freePort()
        try await withSimulator(Self.configuration) { sim in
            let closed = "http://127.0.0.1:\(port)"
            let result = try await Self.sync(
                sim, folder, ["MDE_API_BASE_URL": closed, "MDE_TOKEN_URL": closed + "/token"],
                ["--retry-budget", "3", "--connect-timeout", "2"])
            #expect(result.status == 1)
            #expect(result.stderr.contains("(retry budget 3 s, --retry-budget)"), "\(result.stderr)")
        }
    }

    @Test func aPasswordOnTheCommandLineIsRefused() async throws {
        let folder = try TemporaryFolder()
        let result = try await CLIRunner.run(
            ["sync", "--db", folder.path("l.sqlite"), "--proxy", "http://alice:secret@127.0.0.1:3128"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("MDE_LEDGER_PROXY_PASSWORD_FILE"), "\(result.stderr)")
        #expect(!result.stderr.contains("secret@"))
    }
}
