import Foundation
import MDEAPI
import MDELedger
import MDETestSupport
import Testing

/// The ETA of a running plan, and the snapshot-age safeguard, on an explicit clock.
@Suite struct OffboardPaceTests {
    @Test func theETAFollowsThePaceTheServiceAllowedWhenItIsSlowerThanThePolicy() throws {
        let policy = try RateLimitPolicy(parsing: "100/60s,1500/3600s")
        // The policy alone: 100 devices left at 2 calls each take at least 3 minutes.
        let fast = OutboxPace.progressText(done: 100, total: 200, elapsed: 10, policy: policy, callsPerDevice: 2)
        #expect(fast == "100/200 devices done, 10.0/s, ETA 2 min")
        // 429s held the run to one device every 6 s: the ETA says 10 minutes, not the policy's 2.
        let throttled = OutboxPace.progressText(done: 100, total: 200, elapsed: 600, policy: policy, callsPerDevice: 2)
        #expect(throttled == "100/200 devices done, 0.2/s, ETA 10 min")
    }

    @Test func aPlanIsRefusedFromASnapshotOlderThanTheLimit() async throws {
        let folder = try TemporaryFolder()
        try await withSimulator(OffboardFixture.configuration(devices: 20)) { sim in
            let f = try await OffboardFixture.make(sim, folder)
            let tenant = try f.ledger.resolveTenant(TenantSelection(name: nil), create: false)
            try PlanApproval.checkSnapshotAge(f.ledger, tenant: tenant, maxHours: 24)
            // Half an hour past 30 h: the whole hours shown do not depend on when in its second the sync ran.
            // The same file on a clock 30.5 h on: no test waits for time to pass.
            let later = try Ledger.open(path: f.ledger.path, clock: .fixed(at: Date().addingTimeInterval(30.5 * 3600)))
            let error = try #require(throws: PlanRefusal.self) {
                try PlanApproval.checkSnapshotAge(later, tenant: tenant, maxHours: 24)
            }
            #expect(error.description.contains("is 30 h old, more than 24 h; run 'mde-ledger sync' first"), "\(error)")
            #expect(error.description.contains("as of 2026-11-02T09:00:00Z"))
            // 0 turns the check off.
            try PlanApproval.checkSnapshotAge(later, tenant: tenant, maxHours: 0)
        }
    }
}
