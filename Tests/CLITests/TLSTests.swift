import Foundation
import MDESimulator
import MDETestSupport
import Testing

/// Issue 19: the simulator over real TLS with a CA made for the test, so `--ca-file` and a CONNECT tunnel through a
/// real proxy are tested as a corporate network uses them, not only plain http on loopback.
@Suite struct TLSTests {
    static func tlsConfiguration() throws -> SimulatorConfiguration {
        var configuration = SimulatorConfiguration(devices: 6, rateLimits: .unlimited)
        configuration.tls = try SimulatorTLS.generate()
        return configuration
    }

    @Test func aSyncOverTLSTrustsOnlyTheCAItIsGiven() async throws {
        let folder = try TemporaryFolder()
        let configuration = try Self.tlsConfiguration()
        try configuration.tls!.caPEM.write(toFile: folder.path("ca.pem"), atomically: true, encoding: .utf8)
        try await withSimulator(configuration) { sim in
            #expect(sim.baseURL.hasPrefix("https://"))
            let untrusted = try await CLIRunner.run(
                ["sync", "--no-progress", "--db", folder.path("a.sqlite")], environment: sim.environment)
            #expect(untrusted.status == 1)
            #expect(
                untrusted.stderr.contains(
                    "the TLS handshake with 127.0.0.1 failed (its certificate is not signed by a trusted CA); if a "
                        + "TLS-inspecting proxy or a private CA signs it, pass that CA as a PEM file with --ca-file"),
                "\(untrusted.stderr)")
            // The same certificate would meet every retry: none is made.
            #expect(!untrusted.stderr.contains("waiting"), "\(untrusted.stderr)")
            let trusted = try await CLIRunner.run(
                ["sync", "--no-progress", "--db", folder.path("b.sqlite"), "--ca-file", folder.path("ca.pem")],
                environment: sim.environment)
            #expect(trusted.status == 0, "\(trusted.stderr)")
            #expect(trusted.stdout.contains("6 machines"), "\(trusted.stdout)")
        }
    }

    @Test func tlsGoesThroughTheProxysTunnelEndToEnd() async throws {
        let folder = try TemporaryFolder()
        let proxy = try RunningProxy(in: folder)
        let configuration = try Self.tlsConfiguration()
        try configuration.tls!.caPEM.write(toFile: folder.path("ca.pem"), atomically: true, encoding: .utf8)
        try await withSimulator(configuration) { sim in
            let result = try await CLIRunner.run(
                ["sync", "--no-progress", "--db", folder.path("l.sqlite"), "--ca-file", folder.path("ca.pem")],
                environment: sim.environment.merging(["HTTPS_PROXY": proxy.url()]) { _, new in new })
            #expect(result.status == 0, "\(result.stderr)")
            #expect(!proxy.tunnels().isEmpty)
            #expect(proxy.tunnels().allSatisfy { $0 == "127.0.0.1:\(sim.port)" }, "\(proxy.tunnels())")
        }
    }

    /// `simulate --tls` as a user starts it: it writes the CA and prints where, and a sync trusting it works.
    @Test func theSimulateCommandServesTLSWithTheCAItWrites() async throws {
        let folder = try TemporaryFolder()
        let process = Process()
        process.executableURL = CLIRunner.binary
        process.arguments = ["simulate", "--port", "0", "--devices", "3", "--tls", "--tls-dir", folder.path("tls")]
        process.environment = ["PATH": "/usr/bin:/bin"]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer {
            process.terminate()
            process.waitUntilExit()
        }
        // Reads the announcement line by line until the export line (a deadline, not a timing).
        let lines = await onOwnThread { () -> [String] in
            var text = ""
            let handle = out.fileHandleForReading
            let deadline = Date().addingTimeInterval(120)
            while !text.contains("export "), Date() < deadline {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                text += String(decoding: chunk, as: UTF8.self)
            }
            return text.split(separator: "\n").map(String.init)
        }
        let caLine = try #require(lines.first { $0.hasPrefix("ca-file: ") }, "\(lines)")
        #expect(caLine.hasPrefix("ca-file: \(folder.path("tls"))/ca.pem"))
        let export = try #require(lines.first { $0.hasPrefix("export ") }, "\(lines)")
        var env: [String: String] = [:]
        for pair in export.dropFirst("export ".count).split(separator: " ") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            env[String(parts[0])] = String(parts[1])
        }
        #expect(env["MDE_API_BASE_URL"]?.hasPrefix("https://127.0.0.1:") == true, "\(env)")
        let sync = try await CLIRunner.run(
            ["sync", "--no-progress", "--db", folder.path("l.sqlite"), "--ca-file", folder.path("tls/ca.pem")],
            environment: env)
        #expect(sync.status == 0, "\(sync.stderr)")
    }
}
