import Foundation
import MDESimulator

/// A simulator serving on loopback for the duration of a test; see ``withSimulator(_:_:)``.
public struct RunningSimulator: Sendable {
    /// The simulator, for in-process controls (`advanceClock`, `failRequest`, `requestCounts`…).
    public let simulator: MDESimulator
    /// The port it listens on (127.0.0.1).
    public let port: Int

    public init(simulator: MDESimulator, port: Int) {
        self.simulator = simulator
        self.port = port
    }

    /// `http://127.0.0.1:<port>` (`https` with TLS), the API base URL.
    public var baseURL: String { "\(simulator.configuration.tls == nil ? "http" : "https")://127.0.0.1:\(port)" }

    /// The tenant's OAuth2 v2.0 token endpoint on the simulator.
    public var tokenURL: String { baseURL + "/\(simulator.configuration.tenantId)/oauth2/v2.0/token" }

    /// The environment a CLI process needs to talk to this simulator.
    public var environment: [String: String] {
        [
            "AZURE_TENANT_ID": simulator.configuration.tenantId,
            "AZURE_CLIENT_ID": simulator.configuration.clientId,
            "AZURE_CLIENT_SECRET": simulator.configuration.clientSecret,
            "MDE_API_BASE_URL": baseURL,
            "MDE_TOKEN_URL": tokenURL,
        ]
    }
}

/// Runs `body` against a fresh simulator bound to 127.0.0.1 on a free port, then shuts the server down,
/// whether `body` returns or throws.
///
/// The configuration's `host` and `port` are ignored: tests always use loopback and port 0.
///
/// ```swift
/// try await withSimulator(SimulatorConfiguration(devices: 25_001)) { sim in
///     let client = MDEClient(baseURL: sim.baseURL, …)
/// }
/// ```
public func withSimulator<T: Sendable>(
    _ configuration: SimulatorConfiguration = .init(port: 0),
    _ body: @Sendable (RunningSimulator) async throws -> T
) async throws -> T {
    var configuration = configuration
    configuration.host = "127.0.0.1"
    configuration.port = 0
    let simulator = MDESimulator(configuration: configuration)
    let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
    let application = simulator.buildApplication { port in
        portContinuation.yield(port)
        portContinuation.finish()
    }
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask {
            defer { portContinuation.finish() }
            try await application.run()
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else {
            // The server stopped before listening: surface its error.
            try await group.next()
            throw SimulatorHarnessError.serverDidNotStart
        }
        do {
            let result = try await body(RunningSimulator(simulator: simulator, port: port))
            group.cancelAll()
            return result
        } catch {
            group.cancelAll()
            throw error
        }
    }
}

/// Why ``withSimulator(_:_:)`` could not run its body.
public enum SimulatorHarnessError: Error, CustomStringConvertible {
    case serverDidNotStart

    public var description: String { "the simulator stopped before it listened; check the configuration" }
}
