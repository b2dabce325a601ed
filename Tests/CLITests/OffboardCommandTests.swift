import Foundation
import GRDB
import MDESimulator
import MDETestSupport
import Testing

/// `mde-ledger offboard` run as a binary against the simulator.
@Suite struct OffboardCommandTests {
    static let fast = ["--rate-limit", "100000/1s", "--no-progress"]

    @Test func dryRunPrintsSelectedAndSkippedAndSendsNothing() async throws {
        let folder = try TemporaryFolder()
        try await withSimulator(OffboardCLIFixture.configuration(devices: 300)) { sim in
            let f = try await OffboardCLIFixture.make(sim, folder)
            let ids = try f.offboardable(4)
            let linux = try f.ids(where: "os_platform = 'Linux' AND state <> 'removed'", limit: 1)
            try await f.retire(ids + linux)
            let result = try await f.run(["offboard", "--retired", "--comment", "Retired per CHG-1234", "--dry-run"])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.contains("4 selected, 1 skipped"))
            for id in ids { #expect(result.stdout.contains("  \(id)  "), "\(id) listed") }
            #expect(result.stdout.contains("retired-not-offboarded, retired 2026-10-01T00:00:00Z"))
            #expect(result.stdout.contains("\(linux[0])): Linux: the offboard API does not support this platform"))
            #expect(result.stdout.contains("dry run: nothing sent"))
            #expect(sim.simulator.offboardRequestCounts().isEmpty)
            #expect(sim.simulator.requestCount("POST /api/machines/{id}/offboard") == 0)
        }
    }

    @Test func offTerminalARunNeedsYesAndRefusesWithoutIt() async throws {
        let folder = try TemporaryFolder()
        try await withSimulator(OffboardCLIFixture.configuration(devices: 100)) { sim in
            let f = try await OffboardCLIFixture.make(sim, folder)
            let ids = try f.offboardable(2)
            let before = try ledgerDump(f.db)
            let refused = try await f.run(["offboard", "--device"] + ids + ["--comment", "x"] + Self.fast)
            #expect(refused.status == 64)
            #expect(refused.stderr.contains("error: not a terminal, so nothing was sent; pass --yes to confirm"))
            #expect(try ledgerDump(f.db) == before)
            let noComment = try await f.run(["offboard", "--device"] + ids + ["--yes"])
            #expect(noComment.status == 64)
            #expect(noComment.stderr.contains("--comment is required"))
            #expect(sim.simulator.offboardRequestCounts().isEmpty)
        }
    }

    /// kill -9 at seeded checkpoints (a committed step or an answer), rerun until done: one request per device.
    @Test func killedRunsResumeAndSendEachDeviceExactlyOnce() async throws {
        let folder = try TemporaryFolder()
        try await withSimulator(OffboardCLIFixture.configuration(devices: 700)) { sim in
            let f = try await OffboardCLIFixture.make(sim, folder)
            let ids = try f.offboardable(300)
            try await f.retire(ids)
            let args =
                ["offboard", "--retired", "--comment", "Retired per CHG-1234", "--yes", "--allow-large-plan"]
                + Self.fast
            var rng = SeededGenerator(seed: 20_261_201)
            var kills = 0
            for _ in 0..<5 {
                let point = Int.random(in: 1...200, using: &rng)
                let run = try await f.run(args, extra: ["MDE_LEDGER_TEST_KILL_AFTER": String(point)])
                #expect(run.status == 9 || run.status == 0, "\(run.stderr)")
                if run.status == 9 { kills += 1 }
                let verify = try await f.run(["verify"])
                #expect(verify.status == 0, "verify after a kill at checkpoint \(point): \(verify.stdout)")
            }
            #expect(kills >= 3)
            var finished = try await f.run(args)
            if finished.status != 0 { finished = try await f.run(args) }
            #expect(finished.status == 0, "\(finished.stderr)")
            let counts = sim.simulator.offboardRequestCounts()
            #expect(Set(counts.keys) == Set(ids.map { $0.lowercased() }))
            #expect(counts.values.allSatisfy { $0 == 1 }, "\(counts.filter { $0.value != 1 })")
            let rerun = try await f.run(args)
            #expect(rerun.stdout.contains("nothing to send"))
            #expect(sim.simulator.requestCount("POST /api/machines/{id}/offboard") == 300)
            let status = try await f.run(["offboard", "--status", "1"])
            #expect(status.stdout.contains("requested by alice via app sim-client"))
            #expect(status.stdout.components(separatedBy: " accepted  action ").count == 301)
            let device = try await f.run(["status", ids[0]])
            #expect(device.stdout.contains("state:    offboard-pending"))
            #expect(
                device.stdout.contains(
                    "offboard requested by alice via app sim-client, comment \"Retired per CHG-1234\", plan 1: accepted, action "
                ))
            #expect(try await f.run(["verify"]).status == 0)
        }
    }

    /// The device was re-imaged as a Mac after the last sync: the live re-check sees it before any request.
    @Test func aPlatformChangedSinceTheSyncIsRejectedByTheLiveRecheckAndNotRetried() async throws {
        let folder = try TemporaryFolder()
        try await withSimulator(OffboardCLIFixture.configuration(devices: 100)) { sim in
            let f = try await OffboardCLIFixture.make(sim, folder)
            let ids = try f.offboardable(2)
            // The device was re-imaged as a Mac after the last sync: only the API knows.
            sim.simulator.setOSPlatform(ids[0], "macOS")
            let args = ["offboard", "--device"] + ids + ["--comment", "Retired per CHG-1234", "--yes"] + Self.fast
            let first = try await f.run(args)
            #expect(first.status == 0, "\(first.stderr)")
            #expect(first.stdout.contains("\(ids[0])  "))
            #expect(first.stdout.contains("rejected  live-recheck live re-check: macOS: the offboard API does not"))
            #expect(first.stdout.contains("accepted 1, already requested 0, rejected 1"))
            let second = try await f.run(args)
            #expect(second.stdout.contains("rejected by the API in plan 1: live-recheck live re-check: macOS"))
            #expect(second.stdout.contains("nothing to send"))
            #expect(sim.simulator.offboardRequestCounts()[ids[0].lowercased()] == nil, "never sent")
        }
    }

    @Test func theSecretNeverReachesTheLedgerOutputOrLogs() async throws {
        let secret = "Sx7-never-print-this-secret"
        let folder = try TemporaryFolder()
        try await withSimulator(OffboardCLIFixture.configuration(devices: 100, secret: secret)) { sim in
            let f = try await OffboardCLIFixture.make(sim, folder)
            let ids = try f.offboardable(3)
            sim.simulator.failRequest("POST /api/machines/{id}/offboard", occurrence: 2, with: .dropResponse)
            var outputs: [CLIResult] = []
            for args in [
                ["offboard", "--device"] + ids + ["--comment", "c", "--dry-run"],
                ["offboard", "--device"] + ids + ["--comment", "c", "--yes"] + Self.fast,
                ["offboard", "--status"], ["offboard", "--status", "1"],
                ["tag", "add", "retired", "--device"] + ids + ["--yes"] + Self.fast,
            ] {
                outputs.append(try await f.run(args))
            }
            #expect(outputs.allSatisfy { $0.status == 0 }, "\(outputs.map(\.stderr))")
            for output in outputs { #expect(!(output.stdout + output.stderr).contains(secret)) }
            let dump = try ledgerDump(f.db)
            #expect(!dump.contains(secret))
            #expect(
                dump.contains("outbox_steps ") && dump.contains("outbox_step"), "the outbox and its events were checked"
            )
        }
    }
}
