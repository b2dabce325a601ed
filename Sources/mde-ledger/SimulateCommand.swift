import ArgumentParser
import Foundation
import MDEAPI
import MDESimulator

struct SimulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Serve a simulated MDE tenant on loopback, for demos, tests and benchmarks.",
        discussion: """
            Runs a local HTTP server that speaks the Microsoft Defender for Endpoint API: the Entra token \
            endpoint, /api/machines and /api/machineactions with OData $filter, $select, $orderby, $count and \
            $top/$skip paging. The tenant is generated from --seed and --devices, so the same flags always serve the same data. Its \
            clock is virtual and only moves when told to (POST /_sim/clock?advance=SECONDS), so an unchanged \
            re-sync sees exactly the same devices.

            On start it prints the tenant id, client id and secret, the base and token URLs, and an export line \
            that points `mde-ledger sync` at it. Test controls live under /_sim (stats, fail, clock, faults, \
            rate-limit). It has fake credentials, so it only binds to loopback; --tls serves https with a CA \
            made for the run (written as ca.pem to --tls-dir or a temporary folder, for --ca-file), to try TLS \
            through a proxy. Stop it with Ctrl-C.

            --rate-limit takes CALLS/SECONDSs windows per client id (MDE allows 100/60s,1500/3600s); a caller \
            over a limit gets 429 with Retry-After. --faults takes KIND@PROBABILITY items for the /api routes: \
            an HTTP status (500@0.05), reset (close without answering), truncate (cut the body mid-JSON), \
            delay=2s, plus token-ttl=120s to make tokens expire early. Faults follow --seed, so a run repeats.
            """
    )

    @Option(help: "Port to listen on; 0 picks a free one.")
    var port = 8080

    @Option(help: "Loopback address to bind (127.0.0.1, ::1 or localhost).")
    var host = "127.0.0.1"

    @Option(help: "Number of devices in the simulated tenant.")
    var devices = 200

    @Option(help: "Seed of the deterministic tenant generator.")
    var seed: UInt64 = 1

    @Option(name: .customLong("tenant-id"), help: "Tenant id the token endpoint expects.")
    var tenantId = SimulatorConfiguration.defaultTenantId

    @Option(name: .customLong("client-id"), help: "Client id the token endpoint accepts.")
    var clientId = "sim-client"

    @Option(name: .customLong("client-secret"), help: "Client secret the token endpoint accepts (a fake one).")
    var clientSecret = "sim-secret"

    @Option(
        help: ArgumentHelp(
            "The cloud whose token scope the token endpoint accepts: public, gcc, gcc-high or dod.",
            valueName: "cloud"))
    var cloud: MicrosoftCloud = .public

    @Flag(help: "Serve https with a CA and certificate made for this run (its CA file is printed, for --ca-file).")
    var tls = false

    @Option(
        name: .customLong("tls-dir"),
        help: ArgumentHelp("Where --tls writes ca.pem (default: a new temporary folder).", valueName: "dir"))
    var tlsDir: String?

    @Option(
        name: .customLong("rate-limit"),
        help: ArgumentHelp("Per-client API call limits, or none.", valueName: "spec"))
    var rateLimit = SimulatedRateLimits.mde.description

    @Option(
        help: ArgumentHelp(
            "Random API faults, e.g. 500@0.05,429@0.02,reset@0.01,truncate@0.01,delay=2s@0.01,token-ttl=120s.",
            valueName: "spec"))
    var faults = "none"

    func validate() throws {
        do throws(SimulatorSpecError) {
            _ = try SimulatedRateLimits(parsing: rateLimit)
            _ = try SimulatedFaults(parsing: faults)
        } catch {
            throw ValidationError(error.message)
        }
        guard Self.isLoopback(host) else {
            throw ValidationError(
                "refusing to bind \(host): the simulator has fake credentials; use 127.0.0.1 or ::1")
        }
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
        guard devices >= 0 else { throw ValidationError("--devices must not be negative") }
    }

    func run() async throws {
        var configuration = SimulatorConfiguration(
            seed: seed, devices: devices, tenantId: tenantId, clientId: clientId, clientSecret: clientSecret,
            host: host, port: port, rateLimits: try SimulatedRateLimits(parsing: rateLimit),
            faults: try SimulatedFaults(parsing: faults))
        if cloud != .public { configuration.scopes = [cloud.scope] }
        var caFile: String?
        if tls {
            let made = try SimulatorTLS.generate()
            let folder =
                tlsDir
                ?? FileManager.default.temporaryDirectory.appendingPathComponent("mde-ledger-sim-\(UUID().uuidString)")
                .path
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            caFile = URL(fileURLWithPath: folder).appendingPathComponent("ca.pem").path
            guard FileManager.default.createFile(atPath: caFile!, contents: Data(made.caPEM.utf8)) else {
                throw ValidationError("cannot write \(caFile!); give --tls-dir a writable folder")
            }
            configuration.tls = made
        }
        let simulator = MDESimulator(configuration: configuration)
        let application = simulator.buildApplication { [caFile] port in
            let hostPart = host.contains(":") ? "[\(host)]" : host
            let base = "\(caFile == nil ? "http" : "https")://\(hostPart):\(port)"
            let token = "\(base)/\(tenantId)/oauth2/v2.0/token"
            var lines = [
                "tenant-id: \(tenantId)",
                "client-id: \(clientId)",
                "client-secret: \(clientSecret)",
                "base-url: \(base)",
                "token-url: \(token)",
                "export AZURE_TENANT_ID=\(tenantId) AZURE_CLIENT_ID=\(clientId) AZURE_CLIENT_SECRET=\(clientSecret)"
                    + " MDE_API_BASE_URL=\(base) MDE_TOKEN_URL=\(token)",
            ]
            if let caFile { lines.insert("ca-file: \(caFile) (pass --ca-file \(caFile) to mde-ledger)", at: 5) }
            // Written unbuffered: whoever started the server reads these lines while it keeps running.
            FileHandle.standardOutput.write(Data((lines.joined(separator: "\n") + "\n").utf8))
        }
        try await application.runService()
    }

    /// The client's rule: literal loopback addresses only, so the resolver never picks the interface.
    static func isLoopback(_ host: String) -> Bool {
        MDEEndpoints.isLoopback(host: host)
    }
}
