import Foundation

/// A Microsoft Defender for Endpoint API simulator: a real HTTP server over a deterministic tenant that lives
/// on a virtual clock.
///
/// It speaks the token endpoint, `/api/machines` and `/api/machineactions` with OData paging and filters,
/// offboarding and tags, MDE's rate limits and optional faults, and offers test controls under `/_sim/…`
/// (see `SimulatorRoutes.swift`) and as methods. Its tenant lives as the virtual clock advances: devices
/// report daily, open actions complete or time out, silent devices turn Inactive and later leave the list.
///
/// ```swift
/// let simulator = MDESimulator(configuration: .init(devices: 500, port: 0))
/// simulator.failRequest("GET /api/machines", occurrence: 3, with: .status(500))
/// try await simulator.run()   // until cancelled, SIGINT or SIGTERM
/// ```
public final class MDESimulator: Sendable {
    /// The configuration the tenant was generated from.
    public let configuration: SimulatorConfiguration
    let state: Locked<SimulatorState>

    /// Generates the tenant; 25,001 devices take well under a second.
    public init(configuration: SimulatorConfiguration = .init()) {
        self.configuration = configuration
        state = Locked(SimulatorState(tenant: Tenant(configuration), configuration: configuration))
    }

    /// Runs the HTTP server until the task is cancelled or the process gets SIGINT/SIGTERM.
    public func run() async throws {
        try await buildApplication().runService()
    }

    /// The Hummingbird application serving this simulator.
    ///
    /// - Parameter onServerRunning: called with the bound port once the server listens (useful with port 0).
    public func buildApplication(
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> SimulatorApplication {
        SimulatorApplication(simulator: self, onRunning: onServerRunning)
    }

    /// The port the server is bound to, once it is running.
    public var boundPort: Int? { state.withLock { $0.boundPort } }

    /// The virtual "now", also sent as every response's `Date` header.
    public func now() -> Date { state.withLock { $0.tenant.now.date } }

    /// Number of machines `/api/machines` lists right now.
    public var machineCount: Int { state.withLock { $0.tenant.machines.count } }

    /// Number of machine actions `/api/machineactions` lists right now.
    public var actionCount: Int { state.withLock { $0.tenant.actions.count } }

    /// Moves the virtual clock forward, and the tenant with it: devices report at their daily check-in time,
    /// pending actions complete or time out, silent devices turn Inactive and, after the retention period,
    /// leave the list. The clock never moves on its own, so an unchanged re-sync sees the same data.
    public func advanceClock(by seconds: TimeInterval) {
        precondition(seconds >= 0, "the virtual clock only moves forward")
        state.withLock { $0.tenant.advance(to: $0.tenant.now + SimTime.seconds(seconds)) }
    }

    /// Moves the virtual clock forward to `date` (see ``advanceClock(by:)``); an earlier date is ignored.
    public func advanceClock(to date: Date) {
        state.withLock { $0.tenant.advance(to: SimTime(date)) }
    }

    /// Makes the `occurrence`-th request (counting from this call) to `route` fail with `fault`.
    ///
    /// - Parameters:
    ///   - route: method and path or route pattern, e.g. `"GET /api/machines"` or `"GET /api/machines/{id}"`;
    ///     the query string is ignored.
    ///   - occurrence: 1 fails the next matching request, 3 the third.
    ///   - fault: the failure; by default a 500 with MDE's error body.
    public func failRequest(_ route: String, occurrence: Int = 1, with fault: InjectedFault = .status(500)) {
        precondition(occurrence >= 1, "occurrence counts from 1")
        let parts = route.split(separator: " ", maxSplits: 1).map(String.init)
        precondition(parts.count == 2, "route is \"METHOD /path\", e.g. \"GET /api/machines\"")
        let rule = FailRule(method: parts[0].uppercased(), path: parts[1], remaining: occurrence, fault: fault)
        state.withLock { $0.failRules.append(rule) }
    }

    /// Forgets every pending `failRequest` rule.
    public func clearFailures() { state.withLock { $0.failRules.removeAll() } }

    /// How many requests were answered, by route pattern (`GET /api/machines/{id}`) and status.
    public func requestCounts() -> [RouteStatus: Int] { state.withLock { $0.counts } }

    /// Requests answered on `route` (e.g. `GET /api/machines`), with `status` or with any status.
    public func requestCount(_ route: String, status: Int? = nil) -> Int {
        requestCounts().reduce(0) { sum, entry in
            entry.key.route == route && (status == nil || entry.key.status == status) ? sum + entry.value : sum
        }
    }
}
