import Foundation
import MDEAPI
import MDESimulator
import MDETestSupport
import Testing

@testable import MDELedger

/// Two hundred simulated days of one tenant: offboards that work, one that a re-onboarding profile defeats,
/// one that times out, retired devices that keep reporting or go quiet. Each finding must show up with its
/// evidence, at the time it becomes true, and remain answerable as of earlier dates.
@Suite struct LifecycleScenarioTests {
    static let day: TimeInterval = 86_400

    @Test func twoHundredDaysShowEveryKindOfFinding() async throws {
        let folder = try TemporaryFolder()
        let config = SimulatorConfiguration(devices: 300, rateLimits: .unlimited, reonboardFraction: 0)
        try await withSimulator(config) { sim in
            let ledger = try Ledger.open(path: folder.path("l.sqlite"), create: true)
            let engine = try SyncTests.engine(sim, ledger)
            _ = try await engine.run()
            let start = sim.simulator.now()
            let picks = try ledger.deviceStates(tenant: nil, asOf: nil, state: .active)
                .filter { ($0.osPlatform ?? "").hasPrefix("Windows") && $0.offboardActionId == nil }
                .map(\.id)
            try #require(picks.count >= 6)
            let retiredThenSilent = picks[5]
            let (offboarded, reonboarded, timedOut, retiredLoud, retiredQuiet) =
                (picks[0], picks[1], picks[2], picks[3], picks[4])
            sim.simulator.setKeepsReporting(reonboarded)
            sim.simulator.retireDeviceSilently(timedOut)
            sim.simulator.retireDeviceSilently(retiredQuiet)
            for id in [offboarded, reonboarded, timedOut] {
                _ = try await engine.client.offboard(machineId: id, comment: "retired laptop, ticket 4711")
            }
            let list = folder.path("retired.csv")
            try """
            device,retired_on,note
            \(retiredLoud),\(UTCTime.format(start).prefix(10)),returned to vendor
            \(retiredQuiet),\(UTCTime.format(start).prefix(10)),in storage
            \(retiredThenSilent),\(UTCTime.format(start).prefix(10)),lost
            """.write(toFile: list, atomically: true, encoding: .utf8)
            _ = try ledger.importRetirements(path: list, tenant: TenantSelection())

            var syncTimes: [String] = []
            for round in 0..<40 {
                // Reports after its retirement for three weeks, then falls silent.
                if round == 4 { sim.simulator.retireDeviceSilently(retiredThenSilent) }
                sim.simulator.advanceClock(by: 5 * Self.day)
                syncTimes.append(try await engine.run().observedAt)
            }
            let day30 = UTCTime.format(start.addingTimeInterval(30 * Self.day))
            func state(_ id: String, _ asOf: String? = nil) throws -> DeviceStatus {
                try ledger.deviceStatus(id, tenant: nil, asOf: asOf)
            }

            let good = try state(offboarded, day30)
            #expect(good.device.state == .offboarded && !good.device.finding)
            #expect(good.evidence.contains { $0.detail.contains("Succeeded") })
            #expect(good.evidence.contains { $0.detail.contains("ticket 4711") })

            let loud = try state(reonboarded, day30)
            #expect(loud.device.state == .offboardedStillReporting && loud.device.finding)
            #expect(loud.verdict.hasPrefix("still sending telemetry: offboard requested"))
            #expect(loud.verdict.contains("by sim-client"))

            let failed = try state(timedOut, day30)
            #expect(failed.device.state == .offboardFailed && failed.device.offboardStatus == "TimeOut")

            let retired = try state(retiredLoud, day30)
            #expect(retired.device.state == .retiredStillReporting && retired.device.finding)
            #expect(retired.evidence.contains { $0.kind == "retired" && $0.detail.contains("returned to vendor") })

            #expect(retired.verdict.hasPrefix("still sending telemetry: retired"), "\(retired.verdict)")

            // Reported after its retirement, then silent: said as it is, not "still sending telemetry".
            let day90 = UTCTime.format(start.addingTimeInterval(90 * Self.day))
            let silent = try state(retiredThenSilent, day90)
            #expect(silent.device.state == .retiredStillReporting && silent.device.finding)
            let lastSeen = try #require(silent.device.lastSeen.flatMap(UTCTime.parse))
            let days = Int(start.addingTimeInterval(90 * Self.day).timeIntervalSince(lastSeen) / Self.day)
            #expect(days > 30)
            #expect(
                silent.verdict.hasPrefix(
                    "reported after retirement (last on \(silent.device.lastSeen!.prefix(10))), silent for \(days) days"
                ),
                "\(silent.verdict)")

            let quiet = try state(retiredQuiet, day30)
            #expect(quiet.device.state == .retiredNotOffboarded && quiet.device.finding)

            // Day 200: the silent devices are past retention, so MDE deleted their data and stopped listing them.
            let end = try state(retiredQuiet)
            #expect(end.device.state == .retentionExpired)
            #expect(try state(reonboarded).device.state == .offboardedStillReporting)

            let kinds = try await ledger.dbQueue.read { db in
                try Set(String.fetchAll(db, sql: "SELECT DISTINCT kind FROM events"))
            }
            for kind in [
                "telemetry_after_offboard", "telemetry_after_retirement", "offboard_confirmed", "offboard_failed",
                "went_stale", "went_inactive", "retention_expired", "device_removed", "device_retired",
                "action_status_changed",
            ] {
                #expect(kinds.contains(kind), "event \(kind)")
            }
            // Answers about the past stay what they were.
            #expect(try state(reonboarded, syncTimes[0]).device.state == .offboardedStillReporting)
            #expect(try ledger.verify().ok)
        }
    }
}
