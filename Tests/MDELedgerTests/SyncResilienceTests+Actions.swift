import Foundation
import GRDB
import MDEAPI
import MDESimulator
import MDETestSupport
import Testing

@testable import MDELedger

/// Machine actions sync incrementally: a creation-time window plus re-reads of old open actions by id.
extension SyncResilienceTests {
    static let listRoute = "GET /api/machineactions"
    static let rereadRoute = "GET /api/machineactions/{id}"

    /// Actions the ledger holds created at or after `since` (compared as times: text would put
    /// `…00.5Z` before `…00Z`).
    static func heldSince(_ ledger: Ledger, _ since: String) throws -> Int {
        try DatabaseQueue(path: ledger.path).read { db in
            try Int.fetchOne(
                db, sql: "SELECT count(*) FROM machine_actions WHERE julianday(created_at) >= julianday(?)",
                arguments: [since])!
        }
    }

    /// Status-change events of one action, as `from→to`.
    static func statusChanges(_ ledger: Ledger, _ id: String) throws -> [String] {
        try DatabaseQueue(path: ledger.path).read { db in
            try String.fetchAll(
                db,
                sql: """
                    SELECT json_extract(payload, '$.from') || '→' || json_extract(payload, '$.to') FROM events
                    WHERE kind = 'action_status_changed' AND subject = ? ORDER BY seq
                    """, arguments: [id])
        }
    }

    /// Two Windows devices that report today and were never offboarded.
    static func offboardCandidates(_ ledger: Ledger, count: Int) throws -> [String] {
        try DatabaseQueue(path: ledger.path).read { db in
            try String.fetchAll(
                db,
                sql: """
                    SELECT id FROM machines
                    WHERE os_platform LIKE 'Windows%' AND onboarding_status = 'Onboarded' AND health_status = 'Active'
                      AND id NOT IN (SELECT machine_id FROM machine_actions WHERE type = 'Offboard'
                                     AND machine_id IS NOT NULL)
                    ORDER BY id LIMIT ?
                    """, arguments: [count])
        }
    }

    /// One sync, checking that it listed only the plan's window and re-read exactly the plan's open actions.
    static func incrementalRun(
        _ engine: SyncEngine, _ sim: RunningSimulator, pageSize: Int
    ) async throws -> (ActionSyncPlan, RunSummary) {
        let plan = try engine.ledger.actionSyncPlan(tenant: engine.tenant)
        let filter = try #require(plan.filter, "the ledger holds actions, so the listing is filtered")
        let since = String(try #require(filter.firstMatch(of: /^creationDateTimeUtc ge (\S+)$/)?.1))
        let (listed, reread) = (sim.simulator.requestCount(listRoute), sim.simulator.requestCount(rereadRoute))
        let summary = try await engine.run()
        let window = try heldSince(engine.ledger, since)
        #expect(window < sim.simulator.actionCount, "the window is a part of the tenant's actions")
        #expect(sim.simulator.requestCount(listRoute) - listed == pages(window, pageSize))
        #expect(sim.simulator.requestCount(rereadRoute) - reread == plan.reread.count)
        #expect(summary.actionsSeen == window + plan.reread.count)
        #expect(try count(engine.ledger, "SELECT count(*) FROM machine_actions") == sim.simulator.actionCount)
        return (plan, summary)
    }

    @Test func actionsSyncIncrementallyAndStatusChangesBecomeHistory() async throws {
        let folder = try TemporaryFolder()
        try await withSimulator(SimulatorConfiguration(devices: 400, rateLimits: .unlimited)) { sim in
            let ledger = try Ledger.open(path: folder.path("l.sqlite"), create: true)
            let engine = try Self.engine(sim, ledger, pageSize: 20)
            let first = try await engine.run()
            #expect(first.actionsSeen == sim.simulator.actionCount, "an empty ledger lists every action")

            // A takes its offboard at its next daily report; B is in a drawer, so its offboard stays Pending
            // until MDE times it out after seven days; C's offboard comes later and moves the window on.
            let devices = try Self.offboardCandidates(ledger, count: 3)
            try #require(devices.count == 3)
            let (a, b, c) = (devices[0], devices[1], devices[2])
            sim.simulator.setKeepsReporting(a)
            sim.simulator.setKeepsReporting(c)
            sim.simulator.retireDeviceSilently(b)
            let offA = try await engine.client.offboard(machineId: a, comment: "retired (test)")
            let offB = try await engine.client.offboard(machineId: b, comment: "retired (test)")

            let (_, second) = try await Self.incrementalRun(engine, sim, pageSize: 20)
            #expect(second.actionsNew == 2)

            sim.simulator.advanceClock(by: 2 * 86_400)
            _ = try await engine.client.offboard(machineId: c, comment: "retired (test)")
            let (_, third) = try await Self.incrementalRun(engine, sim, pageSize: 20)
            #expect(third.actionsNew == 1)
            #expect(try Self.statusChanges(ledger, offA.id) == ["Pending→Succeeded"])
            #expect(try Self.statusChanges(ledger, offB.id) == [])

            // B is now older than the window, so only its re-read by id can see it time out.
            sim.simulator.advanceClock(by: 6 * 86_400)
            let (plan, fourth) = try await Self.incrementalRun(engine, sim, pageSize: 20)
            #expect(plan.reread.contains(offB.id))
            #expect(!plan.reread.contains(offA.id), "a final action is never re-read")
            #expect(fourth.actionStatusChanges >= 1)
            #expect(try Self.statusChanges(ledger, offB.id) == ["Pending→TimeOut"])
            let history = try await DatabaseQueue(path: ledger.path).read { db in
                try String.fetchAll(
                    db, sql: "SELECT status FROM machine_action_observations WHERE action_id = ? ORDER BY seq",
                    arguments: [offB.id])
            }
            #expect(history == ["Pending", "TimeOut"])
            #expect(try Self.statusChanges(ledger, offA.id) == ["Pending→Succeeded"], "no change, no new event")
            #expect(try ledger.verify().ok)
        }
    }
}
