import Foundation
import GRDB
import MDESimulator
import MDETestSupport
import Testing

/// `mde-ledger tag add|remove` run as a binary against the simulator.
@Suite struct TagCommandTests {
    static let route = "POST /api/machines/AddOrRemoveTagForMultipleMachines"

    @Test func taggingTwelveHundredDevicesTakesThreeCallsAndARerunNone() async throws {
        let folder = try TemporaryFolder()
        try await withSimulator(OffboardCLIFixture.configuration(devices: 1_300)) { sim in
            let f = try await OffboardCLIFixture.make(sim, folder)
            let ids = try f.ids(where: "state <> 'removed'", limit: 1_200)
            #expect(ids.count == 1_200)
            let file = try f.write("devices.csv", "device,note\n" + ids.map { "\($0),x\n" }.joined())
            let fast = ["--yes", "--rate-limit", "100000/1s", "--no-progress"]
            let add = try await f.run(["tag", "add", "retired-2026", "--from-file", file] + fast)
            #expect(add.status == 0, "\(add.stderr)")
            #expect(sim.simulator.requestCount(Self.route, status: 200) == 3)
            #expect(add.stdout.contains("accepted 1200"))
            let again = try await f.run(["tag", "add", "retired-2026", "--from-file", file] + fast)
            #expect(again.stdout.contains("nothing to send"))
            #expect(again.stdout.contains("0 selected, 1200 skipped"))
            #expect(sim.simulator.requestCount(Self.route) == 3)
            let remove = try await f.run(["tag", "remove", "retired-2026", "--from-file", file] + fast)
            #expect(remove.status == 0, "\(remove.stderr)")
            #expect(sim.simulator.requestCount(Self.route) == 6)
            let removeAgain = try await f.run(["tag", "remove", "retired-2026", "--from-file", file] + fast)
            #expect(removeAgain.stdout.contains("nothing to send"))
            #expect(sim.simulator.requestCount(Self.route) == 6)
            #expect(try await f.run(["verify"]).status == 0)
        }
    }

    @Test func aDryRunSendsNothing() async throws {
        let folder = try TemporaryFolder()
        try await withSimulator(OffboardCLIFixture.configuration(devices: 50)) { sim in
            let f = try await OffboardCLIFixture.make(sim, folder)
            let ids = try f.ids(where: "state <> 'removed'", limit: 3)
            let file = try f.write(
                "ids.txt", "# retired laptops\n" + ids.joined(separator: "\n") + "\n\nno-such-device\n")
            let result = try await f.run(["tag", "add", "old", "--from-file", file, "--dry-run"])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.contains("3 selected, 1 skipped"))
            #expect(result.stdout.contains("no-such-device: no device matches"))
            #expect(sim.simulator.requestCount(Self.route) == 0)
        }
    }
}
