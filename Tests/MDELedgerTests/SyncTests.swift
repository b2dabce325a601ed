import Foundation
import GRDB
import MDEAPI
import MDESimulator
import MDETestSupport
import Testing

@testable import MDELedger

/// Full syncs over real HTTP against the simulator on 127.0.0.1.
@Suite struct SyncTests {
    static func engine(_ sim: RunningSimulator, _ ledger: Ledger, retry: RetryPolicy = .init(baseDelay: 0.01))
        throws -> SyncEngine
    {
        let config = sim.simulator.configuration
        let client = MDEClient(
            endpoints: try MDEEndpoints(baseURL: sim.baseURL, tokenURL: sim.tokenURL),
            credentials: ClientCredentials(
                tenantId: config.tenantId, clientId: config.clientId, clientSecret: config.clientSecret),
            rateLimit: try RateLimitPolicy(parsing: "10000/1s"), retryPolicy: retry)
        return SyncEngine(ledger: ledger, client: client, tenant: TenantSelection(), source: sim.baseURL)
    }

    @Test func fullSyncOf25001DevicesMatchesTheTenant() async throws {
        let folder = try TemporaryFolder()
        try await withSimulator(SimulatorConfiguration(devices: 25_001)) { sim in
            let ledger = try Ledger.open(path: folder.path("l.sqlite"), create: true)
            let summary = try await Self.engine(sim, ledger).run()
            #expect(summary.machinesSeen == 25_001)
            #expect(summary.actionsSeen == sim.simulator.actionCount)
            #expect(summary.discovered == 25_001)
            #expect(summary.observedAt == UTCTime.format(sim.simulator.now()))
            #expect(summary.apiCalls == 4, "3 machine pages of 10,000 and 1 action page")
            let counts = try LedgerFixtures.historyCounts(ledger.path)
            #expect(counts["machines"] == 25_001)
            #expect(counts["machine_observations"] == 25_001)
            #expect(counts["machine_action_observations"] == sim.simulator.actionCount)
            #expect(try ledger.verify().ok)
        }
    }

    /// The ledger keeps each machine's JSON as the service sent it (key order, 7-digit fractions), not re-encoded.
    @Test func rawJSONIsTheServicesOwnBytes() async throws {
        let folder = try TemporaryFolder()
        try await withSimulator(SimulatorConfiguration(devices: 40)) { sim in
            let ledger = try Ledger.open(path: folder.path("l.sqlite"), create: true)
            let engine = try Self.engine(sim, ledger)
            _ = try await engine.run()
            var pages = engine.client.machines().makeAsyncIterator()
            let page = try #require(try await pages.next())
            #expect(page.rawTexts.count == page.items.count)
            let stored = try await ledger.dbQueue.read { db in
                try String.fetchOne(
                    db, sql: "SELECT raw_json FROM machine_documents WHERE id = ?", arguments: [page.items[0].id])
            }
            #expect(stored == page.rawTexts[0])
            #expect(stored?.hasPrefix(#"{"id":""#) == true, "key order as served, not sorted")
            #expect(stored != page.items[0].raw.canonicalText())
        }
    }

    @Test func unchangedResyncWritesNoHistoryAndAChangedDayDoes() async throws {
        let folder = try TemporaryFolder()
        try await withSimulator(SimulatorConfiguration(devices: 700)) { sim in
            let ledger = try Ledger.open(path: folder.path("l.sqlite"), create: true)
            var engine = try Self.engine(sim, ledger)
            engine.pageSize = 300
            _ = try await engine.run()
            let before = try ledgerDump(ledger.path, excluding: ["sync_runs", "events"])
            let again = try await engine.run()
            // Nothing but the run's own run_committed event.
            #expect(again.observationsWritten == 0 && again.actionObservationsWritten == 0 && again.eventsWritten == 1)
            #expect(try ledgerDump(ledger.path, excluding: ["sync_runs", "events"]) == before)
            sim.simulator.advanceClock(by: 86_400)
            let nextDay = try await engine.run()
            #expect(nextDay.observationsWritten > 0, "devices reported again a day later")
            #expect(try ledger.verify().ok)
        }
    }

    @Test func failureOnALaterPageLeavesTheLedgerAsItWas() async throws {
        let folder = try TemporaryFolder()
        try await withSimulator(SimulatorConfiguration(devices: 700)) { sim in
            let ledger = try Ledger.open(path: folder.path("l.sqlite"), create: true)
            var engine = try Self.engine(sim, ledger, retry: RetryPolicy(maxRetries: 0, baseDelay: 0.01))
            engine.pageSize = 300
            _ = try await engine.run()
            sim.simulator.advanceClock(by: 86_400)
            let before = try ledgerDump(ledger.path, excluding: ["sync_runs", "events"])
            sim.simulator.failRequest("GET /api/machines", occurrence: 3)
            await #expect(throws: MDEAPIError.self) { try await engine.run() }
            #expect(try ledgerDump(ledger.path, excluding: ["sync_runs", "events"]) == before)
            let lastEvent = try await DatabaseQueue(path: ledger.path).read {
                try String.fetchOne($0, sql: "SELECT kind FROM events ORDER BY seq DESC LIMIT 1")
            }
            #expect(lastEvent == "run_failed", "the failed run's own event is all it added to the chain")
            let runs = try await DatabaseQueue(path: ledger.path).read {
                try Row.fetchAll($0, sql: "SELECT status, error FROM sync_runs ORDER BY id")
            }
            #expect(runs.map { $0[0] as String } == ["committed", "failed"])
            #expect((runs[1][1] as String?)?.contains("500") == true)
            #expect(try ledger.verify().ok)
            let retried = try await engine.run()
            #expect(retried.observationsWritten > 0, "the next sync completes")
        }
    }

    @Test func secondSyncOnTheSameLedgerIsRefusedWhileOneRuns() async throws {
        let folder = try TemporaryFolder()
        let path = folder.path("l.sqlite")
        _ = try Ledger.open(path: path, create: true)
        let held = try LedgerLock.acquire(ledgerPath: path, purpose: "sync")
        let error = #expect(throws: LedgerBusy.self) { try LedgerLock.acquire(ledgerPath: path, purpose: "sync") }
        #expect(error?.description.contains("another mde-ledger run is writing") == true)
        // The holder says who it is and since when.
        #expect(error?.holder?.hasPrefix("pid \(getpid()), sync, since ") == true, "\(error?.holder ?? "-")")
        withExtendedLifetime(held) {}
    }
}
