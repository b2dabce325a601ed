import Foundation
import GRDB
import MDEAPI
import MDESimulator
import MDETestSupport
import Testing

@testable import MDELedger

/// Offboarding through the outbox against the simulator: planned, dry run first, never twice, audited.
@Suite struct OffboardTests {
    @Test func dryRunSendsNothingAndWritesOnlyAnEvent() async throws {
        let folder = try TemporaryFolder()
        try await withSimulator(OffboardFixture.configuration(devices: 300)) { sim in
            let f = try await OffboardFixture.make(sim, folder)
            let ids = try f.offboardable(5)
            let mac = try #require(try f.devices("macOS").first { $0.state != .removed })
            try f.retire(ids + [mac.id], folder: folder)
            let before = try ledgerDump(f.ledger.path, excluding: ["events"])
            let events = try f.count("SELECT count(*) FROM events")
            let request = f.request(.retired)
            let preview = try f.ledger.previewOutbox(request)
            try f.ledger.recordDryRun(request, preview)
            #expect(Set(preview.selected.map(\.id)) == Set(ids))
            #expect(preview.skipped.map(\.id) == [mac.id])
            #expect(preview.skipped.first?.reason.contains("the offboard API does not support this platform") == true)
            #expect(sim.simulator.offboardRequestCounts().isEmpty)
            #expect(sim.simulator.requestCount("POST /api/machines/{id}/offboard") == 0)
            #expect(try ledgerDump(f.ledger.path, excluding: ["events"]) == before)
            #expect(try f.count("SELECT count(*) FROM events") == events + 1)
            #expect(try f.count("SELECT count(*) FROM events WHERE kind = 'outbox_dry_run'") == 1)
        }
    }

    @Test func threeHundredDevicesAreOffboardedOnceAndARerunSendsNothing() async throws {
        let folder = try TemporaryFolder()
        try await withSimulator(OffboardFixture.configuration(devices: 700)) { sim in
            let f = try await OffboardFixture.make(sim, folder)
            let ids = try f.offboardable(300)
            try f.retire(ids, folder: folder)
            let summary = try #require(try await f.run(f.request(.retired)))
            #expect(summary.sentThisRun == 300)
            #expect(summary.devices.count == 300)
            #expect(summary.devices.allSatisfy { $0.step == .accepted && $0.actionId != nil })
            let counts = sim.simulator.offboardRequestCounts()
            #expect(Set(counts.keys) == Set(ids.map { $0.lowercased() }))
            #expect(counts.values.allSatisfy { $0 == 1 })
            // The lifecycle sees the requests at once, from the snapshot path, without a sync.
            let states = try f.ledger.deviceStates(tenant: nil, asOf: nil).filter { ids.contains($0.id) }
            #expect(states.count == 300 && states.allSatisfy { $0.state == .offboardPending })
            #expect(states.allSatisfy { $0.offboardRequestor == sim.simulator.configuration.clientId })
            #expect(
                try f.count("SELECT count(*) FROM sync_runs WHERE source LIKE 'offboard plan %' AND complete = 0") >= 1)
            #expect(try f.count("SELECT count(*) FROM events WHERE kind = 'outbox_step'") == 900)

            #expect(try await f.run(f.request(.retired)) == nil)
            let again = try f.ledger.previewOutbox(f.request(.retired))
            #expect(again.selected.isEmpty && again.skipped.count == 300)
            #expect(again.skipped.allSatisfy { $0.reason.hasPrefix("already has an Offboard action Pending") })
            #expect(sim.simulator.requestCount("POST /api/machines/{id}/offboard") == 300)
            #expect(try f.ledger.verify().ok)
        }
    }

    @Test func aLostAnswerIsReconciledWithoutASecondRequest() async throws {
        let folder = try TemporaryFolder()
        try await withSimulator(OffboardFixture.configuration(devices: 200)) { sim in
            let f = try await OffboardFixture.make(sim, folder)
            let ids = try f.offboardable(4)
            sim.simulator.failRequest("POST /api/machines/{id}/offboard", occurrence: 2, with: .dropResponse)
            let summary = try #require(try await f.run(f.request(.devices(ids, source: "test"))))
            #expect(summary.devices.allSatisfy { $0.step == .accepted })
            #expect(summary.devices.filter(\.reconciled).map(\.machineId) == [ids[1]])
            #expect(sim.simulator.offboardRequestCounts().values.allSatisfy { $0 == 1 })
            #expect(sim.simulator.offboardRequestCounts().count == 4)
            #expect(sim.simulator.requestCount("GET /api/machineactions") == 2, "one sync listing, one reconciliation")
        }
    }

    /// Failed offboards are sent again only with `--retry-failed`, once each, even when an answer is lost and the
    /// old failed action carries the same comment.
    @Test func failedOffboardsAreRetriedOnceWithRetryFailed() async throws {
        let folder = try TemporaryFolder()
        try await withSimulator(OffboardFixture.configuration(devices: 2_500)) { sim in
            let f = try await OffboardFixture.make(sim, folder)
            let failed = try f.ledger.deviceStates(tenant: nil, asOf: nil, state: .offboardFailed).map(\.id)
            #expect(failed.count >= 3)
            var request = f.request(.state(.offboardFailed))
            let without = try f.ledger.previewOutbox(request)
            #expect(without.selected.isEmpty && without.skipped.count == failed.count)
            request.retryFailed = true
            let preview = try f.ledger.previewOutbox(request)
            let states = try f.ledger.deviceStates(tenant: nil, asOf: nil, state: .offboardFailed).filter {
                ($0.osPlatform ?? "").hasPrefix("Windows") && $0.onboardingStatus == "Onboarded"
            }
            // A cancelled action is a person's decision: --retry-failed alone never sends it again.
            let cancelled = states.filter { $0.offboardStatus == "Cancelled" }.map(\.id)
            #expect(!cancelled.isEmpty)
            let expected = states.filter { $0.offboardStatus != "Cancelled" }.map(\.id).sorted()
            #expect(preview.selected.map(\.id).sorted() == expected)
            for id in cancelled {
                #expect(preview.skipped.first { $0.id == id }?.reason.contains("--include-cancelled") == true)
            }
            sim.simulator.failRequest("POST /api/machines/{id}/offboard", occurrence: 1, with: .dropResponse)
            let summary = try #require(try await f.run(request))
            #expect(summary.devices.allSatisfy { $0.step == .accepted })
            #expect(summary.devices.filter(\.reconciled).count == 1)
            #expect(sim.simulator.offboardRequestCounts().values.allSatisfy { $0 == 1 })
            #expect(sim.simulator.offboardRequestCounts().count == expected.count)
        }
    }

    /// Someone offboarded the device in the portal after the last sync: the API's 400 ActiveRequestAlreadyExists
    /// counts as requested (by them, with their comment), and a rerun does not send again.
    @Test func alreadyInProgressCountsAsRequested() async throws {
        let folder = try TemporaryFolder()
        try await withSimulator(OffboardFixture.configuration(devices: 100)) { sim in
            let f = try await OffboardFixture.make(sim, folder)
            let ids = try f.offboardable(2)
            _ = try await f.client.offboard(machineId: ids[0], comment: "from the portal")
            let request = f.request(.devices(ids, source: "test"))
            let summary = try #require(try await f.run(request))
            #expect(summary.devices.map(\.step) == [.alreadyRequested, .accepted])
            #expect(
                summary.devices[0].error.contains(
                    "requested-by-someone-else already requested by someone else: sim-client at "),
                "\(summary.devices[0].error)")
            #expect(summary.devices[0].error.contains("comment \"from the portal\""))
            #expect(try await f.run(request) == nil)
            let again = try f.ledger.previewOutbox(request)
            #expect(
                again.skipped.first { $0.id == ids[0] }?.reason.hasPrefix("already requested in plan 1 (action ")
                    == true)
            #expect(sim.simulator.offboardRequestCounts() == [ids[0]: 2, ids[1]: 1])
        }
    }

    @Test func shortRateLimitWindowsOnBothSidesCauseNo429() async throws {
        let folder = try TemporaryFolder()
        try await withSimulator(OffboardFixture.configuration(devices: 100)) { sim in
            let f = try await OffboardFixture.make(sim, folder, rateLimit: "5/2s")
            sim.simulator.setRateLimits(SimulatedRateLimits(windows: [.init(limit: 5, seconds: 2)]))
            let ids = try f.offboardable(8)
            let summary = try #require(try await f.run(f.request(.devices(ids, source: "test"))))
            #expect(summary.devices.filter { $0.step == .accepted }.count == 8)
            #expect(summary.throttled == 0)
            #expect(sim.simulator.requestCounts().filter { $0.key.status == 429 }.isEmpty)
        }
    }
}
