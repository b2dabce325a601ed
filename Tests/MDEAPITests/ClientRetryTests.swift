import Foundation
import MDESimulator
import MDETestSupport
import Testing

@testable import AzureAccess
@testable import MDEAPI

/// Retries, throttling and authentication failures (issue #3), provoked with the simulator's fault controls.
@Suite struct ClientRetryTests {
    @Test(arguments: [InjectedFault.status(500), .status(503), .reset, .truncate])
    func transientFailuresAreRetried(fault: InjectedFault) async throws {
        try await withSimulator(SimulatorConfiguration(devices: 250, port: 0)) { sim in
            let client = try sim.client()
            sim.simulator.failRequest("GET /api/machines", occurrence: 2, with: fault)
            let pages = try await collect(client.machines(pageSize: 100))
            #expect(pages.map(\.items.count) == [100, 100, 50])
            #expect(Set(pages.flatMap(\.items).map(\.id)).count == 250)
            let statistics = client.statistics()
            #expect(statistics.retries == 1)
            #expect(statistics.calls == 4)
            #expect(statistics.throttled == 0)
        }
    }

    @Test func givesUpAfterTheRetryBudget() async throws {
        try await withSimulator(SimulatorConfiguration(devices: 10, port: 0)) { sim in
            let client = try sim.client()
            for occurrence in 1...6 { sim.simulator.failRequest("GET /api/machines", occurrence: occurrence) }
            let error = await #expect(throws: MDEAPIError.self) { try await collect(client.machines()) }
            #expect(error?.status == 500)
            #expect(error?.endpoint == "/api/machines")
            #expect(error?.description.contains("gave up after 5 retries") == true)
            #expect(client.statistics().calls == 6)
            #expect(sim.simulator.requestCount("GET /api/machines", status: 500) == 6)
            // Five backoffs of 1, 2, 4, 8, 16 s, each between half and all of it (jitter): waited, taking no time.
            #expect((15.5...31).contains(client.statistics().waitedSeconds), "\(client.statistics().waitedSeconds)")
        }
    }

    @Test func truncatedBodiesAreRetriedThenReported() async throws {
        try await withSimulator(SimulatorConfiguration(devices: 10, port: 0)) { sim in
            let client = try sim.client(retryPolicy: RetryPolicy(maxRetries: 1, baseDelay: 0.001))
            for occurrence in 1...2 {
                sim.simulator.failRequest("GET /api/machines", occurrence: occurrence, with: .truncate)
            }
            let error = await #expect(throws: MDEAPIError.self) { try await collect(client.machines()) }
            // The body is cut short of its Content-Length, so it surfaces as a transport error.
            #expect(error?.status == nil)
            let text = error?.description ?? ""
            #expect(text.contains("gave up after 1 retries in 0 s (retry budget 120 s, --retry-budget)"), "\(text)")
            #expect(text.hasSuffix("; check the network"))
            #expect(client.statistics().calls == 2)
            #expect(client.statistics().retries == 1)
        }
    }

    @Test func throttlingWaitsAndIsCounted() async throws {
        try await withSimulator(SimulatorConfiguration(devices: 10, port: 0)) { sim in
            let client = try sim.client()
            sim.simulator.failRequest("GET /api/machines", with: .status(429))
            let pages = try await collect(client.machines())
            #expect(pages.first?.items.count == 10)
            let statistics = client.statistics()
            #expect(statistics.throttled == 1)
            #expect(statistics.retries == 1)
            #expect(statistics.waitedSeconds == 1, "the simulator's Retry-After: 1, on the immediate clock")
        }
    }

    @Test func longWaitsAreReportedToTheObserver() async throws {
        try await withSimulator(SimulatorConfiguration(devices: 10, port: 0)) { sim in
            // The simulator's 429 says Retry-After: 1, and a one-second wait is the shortest one reported.
            let client = try sim.client()
            let messages = LockedBox<[String]>([])
            client.setWaitObserver { message in messages.withLock { $0.append(message) } }
            sim.simulator.failRequest("GET /api/machines", with: .status(429))
            _ = try await collect(client.machines())
            #expect(messages.withLock { $0 } == ["waiting 1 s (throttled by the service (429))"])
        }
    }

    @Test func throttlingForeverEndsWithAnError() async throws {
        try await withSimulator(SimulatorConfiguration(devices: 10, port: 0)) { sim in
            let client = try sim.client(retryPolicy: RetryPolicy(maxThrottledRetries: 2, maxRetryAfter: 0.001))
            for occurrence in 1...3 {
                sim.simulator.failRequest("GET /api/machines", occurrence: occurrence, with: .status(429))
            }
            let error = await #expect(throws: MDEAPIError.self) { try await collect(client.machines()) }
            #expect(error?.status == 429)
            #expect(error?.description.contains("still throttled after 2 retries") == true)
            #expect(client.statistics().throttled == 3)
        }
    }

    @Test func otherClientErrorsAreNotRetried() async throws {
        try await withSimulator(SimulatorConfiguration(devices: 10, port: 0)) { sim in
            let client = try sim.client()
            sim.simulator.failRequest("GET /api/machineactions", with: .status(400))
            let error = await #expect(throws: MDEAPIError.self) { try await collect(client.machineActions()) }
            #expect(error?.status == 400)
            #expect(client.statistics().calls == 1)
            #expect(client.statistics().retries == 0)
        }
    }

    @Test func forbiddenNamesThePermission() async throws {
        try await withSimulator(SimulatorConfiguration(devices: 10, port: 0)) { sim in
            sim.simulator.failRequest("GET /api/machines", with: .status(403))
            let error = await #expect(throws: MDEAPIError.self) { try await collect(sim.client().machines()) }
            #expect(error?.status == 403)
            #expect(
                error?.description.hasSuffix("; check the app's API permissions (Machine.Read.All) and admin consent")
                    == true)
        }
    }

    /// Entra's 429 names its wait: the token request waits that long, not its own backoff (30 s and up here).
    @Test func aThrottledTokenRequestWaitsForItsRetryAfter() async throws {
        try await withSimulator(SimulatorConfiguration(devices: 3, port: 0)) { sim in
            let client = try sim.client(retryPolicy: RetryPolicy(baseDelay: 30, maxDelay: 60))
            sim.simulator.failRequest(sim.tokenRoute, with: .status(429))
            let pages = try await collect(client.machines())
            #expect(pages.first?.items.count == 3)
            #expect(client.statistics().tokenRequests == 2)
            #expect(client.statistics().waitedSeconds == 1)
        }
    }

    @Test func oneUnauthorizedFetchesANewToken() async throws {
        try await withSimulator(SimulatorConfiguration(devices: 10, port: 0)) { sim in
            let client = try sim.client()
            sim.simulator.failRequest("GET /api/machines", with: .status(401))
            let pages = try await collect(client.machines())
            #expect(pages.first?.items.count == 10)
            #expect(client.statistics().tokenRequests == 2)
            #expect(client.statistics().retries == 1)
        }
    }

    @Test func aSecondUnauthorizedPointsAtPermissions() async throws {
        try await withSimulator(SimulatorConfiguration(devices: 10, port: 0)) { sim in
            let client = try sim.client()
            for occurrence in 1...2 {
                sim.simulator.failRequest("GET /api/machines", occurrence: occurrence, with: .status(401))
            }
            let error = await #expect(throws: MDEAPIError.self) { try await collect(client.machines()) }
            #expect(error?.status == 401)
            #expect(error?.description.contains("admin consent") == true)
            #expect(client.statistics().tokenRequests == 2)
        }
    }

    @Test func wrongSecretIsATokenErrorWithoutTheSecret() async throws {
        try await withSimulator(SimulatorConfiguration(devices: 10, port: 0)) { sim in
            let client = try sim.client(secret: "wrong-secret-value")
            let error = await #expect(throws: MDETokenError.self) { try await collect(client.machines()) }
            #expect(error?.status == 401)
            #expect(error?.error == "invalid_client")
            #expect(error?.errorDescription?.hasPrefix("AADSTS7000215") == true)
            #expect(error?.description.contains("wrong-secret-value") == false)
            #expect(client.statistics().calls == 0)
            #expect(sim.simulator.requestCount("GET /api/machines") == 0)
        }
    }

    @Test func clientsOfOneAppAndHostShareALimiter() async throws {
        try await withSimulator(SimulatorConfiguration(devices: 1, port: 0)) { sim in
            try await withSimulator(SimulatorConfiguration(devices: 1, port: 0)) { other in
                let (first, second, elsewhere) = try (
                    sim.client(clock: .system), sim.client(clock: .system), other.client(clock: .system)
                )
                #expect(first.limiter === second.limiter)
                #expect(first.limiter !== elsewhere.limiter)
                // A client on its own clock cannot share windows measured on another.
                #expect(try sim.client().limiter !== first.limiter)
            }
        }
    }
}
