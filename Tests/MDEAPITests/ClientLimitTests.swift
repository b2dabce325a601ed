import Foundation
import MDESimulator
import MDETestSupport
import Testing

@testable import AzureAccess
@testable import MDEAPI

/// The rate limiter against the simulator's own limits, and a listing under random faults (issue #3).
@Suite struct ClientLimitTests {
    /// Requests at once, each in its own task.
    static func fetchConcurrently(_ client: MDEClient, _ ids: [String]) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for id in ids { group.addTask { _ = try await client.machine(id: id) } }
            try await group.waitForAll()
        }
    }

    /// Two calls in six seconds: four calls leave the limiter nothing to do only if they start more than six
    /// seconds apart, which no load on a test machine stretches them to (a one-second window once did).
    static let slowWindow = SimulatorConfiguration(
        devices: 20, port: 0, rateLimits: SimulatedRateLimits(windows: [.init(limit: 2, seconds: 6)]))

    @Test func theClientNeverCausesA429() async throws {
        try await withSimulator(Self.slowWindow) { sim in
            // The simulator counts its windows on real time, so the client must pace on real time too.
            let client = try sim.client(
                rateLimit: RateLimitPolicy(windows: [.init(limit: 2, seconds: 6)]), clock: .system)
            let messages = LockedBox<[String]>([])
            client.setWaitObserver { message in messages.withLock { $0.append(message) } }
            let ids = try await collect(client.machines()).flatMap(\.items).map(\.id)
            try await Self.fetchConcurrently(client, Array(ids.prefix(3)))
            #expect(sim.simulator.requestCount("GET /api/machines/{id}", status: 200) == 3)
            #expect(sim.simulator.requestCount("GET /api/machines/{id}", status: 429) == 0)
            #expect(client.statistics().throttled == 0)
            // The limiter held requests back, and every wait it announced was its own (a wait of a second or more
            // is announced; none for a 429).
            #expect(client.statistics().waitedSeconds > 0)
            #expect(messages.withLock { $0 }.allSatisfy { $0.hasSuffix(" s (rate limit)") })
        }
    }

    /// The control for the test above: a client allowed more than the service answers gets 429s, and copes.
    @Test func aLaxPolicyIsThrottledAndRecovers() async throws {
        try await withSimulator(Self.slowWindow) { sim in
            // 100/60s against a service allowing 2/6s; Retry-After (up to 6 s) is honoured, not cut short.
            let client = try sim.client(retryPolicy: RetryPolicy(baseDelay: 0.001), clock: .system)
            let ids = try await collect(client.machines()).flatMap(\.items).map(\.id)
            try await Self.fetchConcurrently(client, Array(ids.prefix(3)))
            #expect(sim.simulator.requestCount("GET /api/machines/{id}", status: 200) == 3)
            #expect(client.statistics().throttled > 0)
            #expect(client.statistics().throttled == sim.simulator.requestCount("GET /api/machines/{id}", status: 429))
        }
    }

    @Test(arguments: [UInt64(1), 7, 42])
    func aListingSurvivesRandomFaults(seed: UInt64) async throws {
        let faults = SimulatedFaults(rules: [
            .init(.status(500), probability: 0.08), .init(.status(503), probability: 0.04),
            .init(.status(429), probability: 0.04), .init(.reset, probability: 0.04),
            .init(.truncate, probability: 0.04),
        ])
        try await withSimulator(SimulatorConfiguration(seed: seed, devices: 3_000, port: 0, faults: faults)) { sim in
            let client = try sim.client()
            let machines = try await collect(client.machines(pageSize: 250)).flatMap(\.items)
            #expect(machines.count == sim.simulator.machineCount)
            #expect(Set(machines.map(\.id)).count == machines.count)
            let statistics = client.statistics()
            #expect(statistics.retries > 0)
            #expect(statistics.calls == 13 + statistics.retries)
        }
    }
}
