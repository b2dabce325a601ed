import Foundation
import GRDB
import MDEAPI
import MDESimulator
import MDETestSupport
import Testing

@testable import MDELedger

/// Whole syncs against a misbehaving service (issue #3): random faults, tight rate limits, a token that dies
/// mid-run, a page that keeps failing. Each ends with exact content or a clean failure that changed nothing.
@Suite(.serialized) struct SyncResilienceTests {
    /// Retries as the client does them, with delays cut to milliseconds (a 429's `Retry-After: 1` included).
    static let fastRetries = RetryPolicy(maxRetries: 5, baseDelay: 0.005, maxDelay: 0.02, maxRetryAfter: 0.02)

    static func engine(
        _ sim: RunningSimulator, _ ledger: Ledger, pageSize: Int, rateLimit: String = "10000/1s",
        retry: RetryPolicy = fastRetries
    ) throws -> SyncEngine {
        let config = sim.simulator.configuration
        let client = MDEClient(
            endpoints: try MDEEndpoints(baseURL: sim.baseURL, tokenURL: sim.tokenURL),
            credentials: ClientCredentials(
                tenantId: config.tenantId, clientId: config.clientId, clientSecret: config.clientSecret),
            rateLimit: try RateLimitPolicy(parsing: rateLimit), retryPolicy: retry)
        var engine = SyncEngine(ledger: ledger, client: client, tenant: TenantSelection(), source: sim.baseURL)
        engine.pageSize = pageSize
        return engine
    }

    static func count(_ ledger: Ledger, _ sql: String) throws -> Int {
        try DatabaseQueue(path: ledger.path).read { try Int.fetchOne($0, sql: sql) ?? -1 }
    }

    /// The newest `sync_runs` row: status, api_calls, throttled, retries, error.
    static func lastRun(_ ledger: Ledger) throws -> Row {
        try DatabaseQueue(path: ledger.path).read { db in
            try Row.fetchOne(
                db, sql: "SELECT status, api_calls, throttled, retries, error FROM sync_runs ORDER BY id DESC LIMIT 1")!
        }
    }

    /// Requests the simulator answered on the `/api/…` routes, by status when given (0 counts resets).
    static func apiRequests(_ sim: RunningSimulator, status: Int? = nil) -> Int {
        sim.simulator.requestCounts().reduce(0) { sum, entry in
            entry.key.route.contains(" /api/") && (status == nil || entry.key.status == status)
                ? sum + entry.value : sum
        }
    }

    /// Pages a `$top`/`$skip` listing of `count` items takes: it stops at the first short page, so a multiple of
    /// the page size ends with an empty page.
    static func pages(_ count: Int, _ pageSize: Int) -> Int { count / pageSize + 1 }

    @Test(arguments: [UInt64(1), 7, 42])
    func syncThroughRandomFaultsHoldsExactlyTheTenant(seed: UInt64) async throws {
        // The rates of issue #3; the delay is cut from 2 s so the test stays quick.
        let faults = try SimulatedFaults(parsing: "500@0.05,429@0.02,reset@0.01,truncate@0.01,delay=200ms@0.01")
        let folder = try TemporaryFolder()
        let config = SimulatorConfiguration(seed: seed, devices: 3_000, rateLimits: .unlimited, faults: faults)
        try await withSimulator(config) { sim in
            let ledger = try Ledger.open(path: folder.path("l.sqlite"), create: true)
            let engine = try Self.engine(sim, ledger, pageSize: 50)
            let summary = try await engine.run()
            #expect(try Self.count(ledger, "SELECT count(*) FROM machines") == sim.simulator.machineCount)
            #expect(try Self.count(ledger, "SELECT count(*) FROM machine_actions") == sim.simulator.actionCount)
            #expect(summary.machinesSeen == 3_000 && summary.actionsSeen == sim.simulator.actionCount)

            let run = try Self.lastRun(ledger)
            let throttled = Self.apiRequests(sim, status: 429)
            let logical = Self.pages(sim.simulator.machineCount, 50) + Self.pages(sim.simulator.actionCount, 50)
            #expect(run["status"] == "committed")
            #expect(throttled > 0, "these seeds draw some 429s")
            #expect(run["throttled"] == throttled)
            #expect(run["api_calls"] == Self.apiRequests(sim))
            #expect(run["retries"] as Int > throttled, "5xx, resets and cut bodies were retried too")
            #expect(run["retries"] == Self.apiRequests(sim) - logical, "every call beyond one per page is a retry")
            #expect(try ledger.verify().ok)
        }
    }

    @Test func shortRateLimitWindowsOnBothSidesCauseNo429s() async throws {
        let spec = "2/1s,3/6s"
        let folder = try TemporaryFolder()
        let config = SimulatorConfiguration(devices: 30, rateLimits: try SimulatedRateLimits(parsing: spec))
        try await withSimulator(config) { sim in
            let ledger = try Ledger.open(path: folder.path("l.sqlite"), create: true)
            let engine = try Self.engine(sim, ledger, pageSize: 10, rateLimit: spec)
            let started = ContinuousClock.now
            _ = try await engine.run()
            let elapsed = (ContinuousClock.now - started) / .seconds(1)
            let calls = Self.pages(sim.simulator.machineCount, 10) + Self.pages(sim.simulator.actionCount, 10)
            #expect(calls >= 5, "enough calls to fill both windows")
            #expect(Self.apiRequests(sim, status: 429) == 0)
            #expect(Self.apiRequests(sim) == calls)
            let stats = engine.client.statistics()
            #expect(stats.throttled == 0 && stats.calls == calls)
            // Call n can start no earlier than ⌊(n−1)/limit⌋ window lengths after the first, in every window: the run
            // lasts at least that long, however fast or slow the machine (waits shrink when calls are slow).
            let implied = try RateLimitPolicy(parsing: spec).windows.map { window in
                Double((calls - 1) / window.limit) * window.seconds
            }.max()!
            #expect(implied >= 6)
            #expect(elapsed >= implied, "the run took \(elapsed) s; the windows imply \(implied) s")
            #expect(stats.waitedSeconds > 0)
            #expect(try Self.count(ledger, "SELECT count(*) FROM machines") == 30)
        }
    }

    @Test func aTokenThatExpiresMidSyncIsRefreshedOnce() async throws {
        let folder = try TemporaryFolder()
        try await withSimulator(SimulatorConfiguration(devices: 60)) { sim in
            // The token dies just before the fourth page, although the token response promised an hour.
            sim.simulator.failRequest("GET /api/machines", occurrence: 4, with: .expireToken)
            let ledger = try Ledger.open(path: folder.path("l.sqlite"), create: true)
            let engine = try Self.engine(sim, ledger, pageSize: 10)
            let tokenRoute = "POST /{tenantId}/oauth2/v2.0/token"
            let summary = try await engine.run()
            #expect(sim.simulator.requestCount("GET /api/machines", status: 401) == 1)
            #expect(Self.apiRequests(sim, status: 401) == 1)
            #expect(sim.simulator.requestCount(tokenRoute, status: 200) == 2)
            #expect(engine.client.statistics().tokenRequests == 2)
            #expect(summary.retries == 1, "the refused page was sent once more")
            #expect(summary.machinesSeen == 60)
            #expect(try Self.count(ledger, "SELECT count(*) FROM machines") == 60)
        }
    }

    @Test(arguments: [("GET /api/machines", 3), ("GET /api/machineactions", 2)])
    func aPersistent500FailsTheRunAndChangesNothing(route: String, page: Int) async throws {
        let folder = try TemporaryFolder()
        try await withSimulator(SimulatorConfiguration(devices: 700, rateLimits: .unlimited)) { sim in
            let ledger = try Ledger.open(path: folder.path("l.sqlite"), create: true)
            var retry = Self.fastRetries
            retry.maxRetries = 2
            let engine = try Self.engine(sim, ledger, pageSize: 20, retry: retry)
            _ = try await engine.run()
            sim.simulator.advanceClock(by: 86_400)
            let before = try ledgerDump(ledger.path, excluding: ["sync_runs", "events"])
            let eventsBefore = try Self.count(ledger, "SELECT count(*) FROM events")
            // The page fails on its first try and on both retries.
            for occurrence in page...(page + 2) { sim.simulator.failRequest(route, occurrence: occurrence) }
            let error = await #expect(throws: MDEAPIError.self) { try await engine.run() }
            #expect(error?.status == 500)
            #expect(try ledgerDump(ledger.path, excluding: ["sync_runs", "events"]) == before)
            // The only new event is the failed run's own.
            #expect(try Self.count(ledger, "SELECT count(*) FROM events") == eventsBefore + 1)
            #expect(try Self.count(ledger, "SELECT count(*) FROM events WHERE kind = 'run_failed'") == 1)
            let run = try Self.lastRun(ledger)
            #expect(run["status"] == "failed")
            #expect(run["retries"] == 2)
            let message: String = try #require(run["error"])
            #expect(message.contains("500") && message.contains("gave up after 2 retries"), "\(message)")
            #expect(message.contains(route.dropFirst(4)), "names the endpoint: \(message)")
            #expect(try Self.count(ledger, "SELECT count(*) FROM sync_runs WHERE status = 'committed'") == 1)
            #expect(try ledger.verify().ok)
            let next = try await engine.run()
            #expect(next.observationsWritten > 0, "the next sync completes and records the day that passed")
            #expect(try ledger.verify().ok)
        }
    }
}
