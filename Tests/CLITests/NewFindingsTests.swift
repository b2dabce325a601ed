import Foundation
import MDETestSupport
import Testing

/// `report … --fail-on-new-findings`: a daily job alerts once for a new finding, not every day for standing ones.
@Suite struct NewFindingsTests {
    @Test func onlyFindingsTheLastRunDidNotShowFire() async throws {
        let folder = try TemporaryFolder()
        try await withSimulator(OffboardCLIFixture.configuration(devices: 40)) { sim in
            let f = try await OffboardCLIFixture.make(sim, folder)
            let retired = try f.offboardable(2)
            // Recorded after the first run: as that run knew it, neither device was a finding.
            try await f.retire(retired)
            sim.simulator.advanceClock(by: 86_400)
            #expect(try await f.run(["sync", "--no-progress"]).status == 0)
            let report = ["report", "still-reporting", "--format", "csv"]
            let first = try await f.run(report + ["--fail-on-new-findings"])
            #expect(first.status == 2, "\(first.stderr)")
            #expect(first.stderr.contains("new findings since 2026-11-02T09:00:00Z (2): "), "\(first.stderr)")
            #expect(retired.allSatisfy { first.stderr.contains($0) }, "\(first.stderr)")
            let devices = ["devices", "--state", "retired-still-reporting", "--format", "csv"]
            let firstDevices = try await f.run(devices + ["--fail-on-new-findings"])
            #expect(firstDevices.status == 2, "\(firstDevices.stderr)")
            #expect(retired.allSatisfy { firstDevices.stderr.contains($0) }, "\(firstDevices.stderr)")
            // A day later the same two are standing findings: --fail-on-findings still fires, the new one does not.
            sim.simulator.advanceClock(by: 86_400)
            #expect(try await f.run(["sync", "--no-progress"]).status == 0)
            #expect(try await f.run(report + ["--fail-on-findings"]).status == 2)
            let second = try await f.run(report + ["--fail-on-new-findings"])
            #expect(second.status == 0, "\(second.stderr)")
            #expect(!second.stderr.contains("new findings"))
            #expect(try await f.run(devices + ["--fail-on-findings"]).status == 2)
            let secondDevices = try await f.run(devices + ["--fail-on-new-findings"])
            #expect(secondDevices.status == 0, "\(secondDevices.stderr)")
            let both = try await f.run(report + ["--fail-on-findings", "--fail-on-new-findings"])
            #expect(both.status == 64)
        }
    }
}
