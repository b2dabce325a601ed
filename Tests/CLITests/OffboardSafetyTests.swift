import Foundation
import GRDB
import MDESimulator
import MDETestSupport
import Testing

/// Issue 17: each defect found by the security review, reproduced against the simulator, and the safeguards.
@Suite struct OffboardSafetyTests {
    static let fast = OffboardCommandTests.fast
    static let args = ["--comment", "Retired per CHG-1234"]

    @Test func aCancelledOffboardIsNeverRetriedUnlessNamedAndThenShowsWhoCancelled() async throws {
        let folder = try TemporaryFolder()
        try await withSimulator(OffboardCLIFixture.configuration(devices: 100)) { sim in
            let f = try await OffboardCLIFixture.make(sim, folder)
            let id = try f.offboardable(1)[0]
            let action = try #require(sim.simulator.requestOffboard(id, comment: "CHG-9", requestor: "bob@contoso.com"))
            sim.simulator.cancelAction(action, requestor: "carol@contoso.com", comment: "Requested by mistake")
            #expect(try await f.run(["sync", "--no-progress"]).status == 0)
            let retry = try await f.run(
                ["offboard", "--state", "offboard-failed", "--retry-failed"] + Self.args + ["--yes"] + Self.fast)
            #expect(retry.stdout.contains("cancelled by carol@contoso.com"), "\(retry.stdout)")
            #expect(retry.stdout.contains("--include-cancelled"))
            #expect(retry.stdout.contains("nothing to send"))
            #expect(sim.simulator.offboardRequestCounts().isEmpty)
            let named = try await f.run(
                ["offboard", "--device", id, "--retry-failed", "--include-cancelled"] + Self.args + ["--dry-run"])
            #expect(named.stdout.contains("1 selected"), "\(named.stdout)")
            #expect(named.stdout.contains("was cancelled by carol@contoso.com at "))
            #expect(named.stdout.contains("(\"Requested by mistake\")"))
        }
    }

    @Test func retiredSelectsOnlyRetirementsThatHaveBegun() async throws {
        let folder = try TemporaryFolder()
        try await withSimulator(OffboardCLIFixture.configuration(devices: 100)) { sim in
            let f = try await OffboardCLIFixture.make(sim, folder)
            let ids = try f.offboardable(2)
            let path = try f.write("retired.csv", "device,retired_on\n\(ids[0]),2026-10-01\n\(ids[1]),2027-03-01\n")
            #expect(try await f.run(["import", "retired", path]).status == 0)
            let dry = try await f.run(["offboard", "--retired"] + Self.args + ["--dry-run"])
            #expect(dry.stdout.contains("1 selected, 1 skipped"), "\(dry.stdout)")
            #expect(dry.stdout.contains("  \(ids[0])  "))
            #expect(dry.stdout.contains("(\(ids[1])): retired from 2027-03-01T00:00:00Z, which is after"))
            #expect(dry.stdout.contains("matched by id, retired.csv:2"))
        }
    }

    @Test func aNameNeverBindsADeviceFirstSeenAfterTheRetirementDate() async throws {
        let folder = try TemporaryFolder()
        try await withSimulator(OffboardCLIFixture.configuration(devices: 100)) { sim in
            let f = try await OffboardCLIFixture.make(sim, folder)
            let id = try f.offboardable(1)[0]
            let (name, firstSeen) = try await DatabaseQueue(path: f.db).read { db in
                let row = try #require(
                    try Row.fetchOne(
                        db, sql: "SELECT computer_dns_name, first_seen FROM machines WHERE id = ?", arguments: [id]))
                return (row[0] as String, row[1] as String)
            }
            // Retired the day before this device first appeared: the name meant an earlier machine.
            let before = String(firstSeen.prefix(10)) < "2020-01-02" ? "2020-01-01" : Self.dayBefore(firstSeen)
            let path = try f.write("retired.csv", "device,retired_on,note\n\(name),\(before),old laptop\n")
            let imported = try await f.run(["import", "retired", path])
            #expect(imported.status == 0, "\(imported.stderr)")
            #expect(imported.stdout.contains("0 recorded") && imported.stdout.contains("1 unmatched"))
            #expect(
                imported.stderr.contains("retired.csv line 2: the name '\(name)' belongs only to \(id)"),
                "\(imported.stderr)")
            #expect(imported.stderr.contains("first seen after the retirement date"))
            let retired = try await DatabaseQueue(path: f.db).read {
                try Int.fetchOne($0, sql: "SELECT count(*) FROM retirements WHERE machine_id = ?", arguments: [id])
            }
            #expect(retired == 0, "the later device with the reused name is not retired")
        }
    }

    @Test func hostileNamesCommentsAndRequestersNeverReachTheTerminalRaw() async throws {
        let folder = try TemporaryFolder()
        try await withSimulator(OffboardCLIFixture.configuration(devices: 100)) { sim in
            let f = try await OffboardCLIFixture.make(sim, folder)
            let id = try f.offboardable(1)[0]
            let hostile = "pc\u{1B}[2J\u{1B}]0;owned\u{07}\u{202E}exe.doc\u{200B}\r\n  forged-id  ok"
            sim.simulator.setComputerDnsName(id, hostile)
            #expect(try await f.run(["sync", "--no-progress"]).status == 0)
            let outputs = [
                try await f.run(
                    [
                        "offboard", "--device", id, "--comment", "c\u{1B}]8;;http://x\u{07}link", "--requested-by",
                        "eve\u{9B}31m", "--yes",
                    ] + Self.fast),
                try await f.run(["offboard", "--status", "1"]),
                try await f.run(["devices"]),
                try await f.run(["status", id]),
                try await f.run(["report", "offboard-history", "--format", "md"]),
            ]
            for output in outputs {
                let text = output.stdout + output.stderr
                let bad = text.unicodeScalars.filter {
                    ($0.value < 0x20 && $0 != "\n") || (0x7F...0x9F).contains($0.value)
                        || [0x202E, 0x200B, 0x2066, 0x2067, 0x2068, 0x2069, 0x202A, 0x202B, 0x202D].contains($0.value)
                }
                #expect(bad.isEmpty, "raw control characters in: \(text.debugDescription)")
            }
            #expect(outputs[0].stdout.contains("\\u{1b}[2J"), "shown escaped, not removed: \(outputs[0].stdout)")
            #expect(outputs[0].stdout.contains("\\u{202e}exe.doc"))
            #expect(outputs[2].stdout.contains("\\u{202e}"))
            // Machine formats keep the exact value.
            let json = try await f.run(["devices", "--format", "json"])
            #expect(json.stdout.contains("\\u202e") || json.stdout.contains("\u{202E}"))
        }
    }

    @Test func anUnreadable201IsReconciledNotRejectedAndNeverSentTwice() async throws {
        let folder = try TemporaryFolder()
        try await withSimulator(OffboardCLIFixture.configuration(devices: 100)) { sim in
            let f = try await OffboardCLIFixture.make(sim, folder)
            let id = try f.offboardable(1)[0]
            sim.simulator.failRequest("POST /api/machines/{id}/offboard", with: .garbledBody)
            let run = ["offboard", "--device", id] + Self.args + ["--yes"] + Self.fast
            let first = try await f.run(run)
            #expect(first.status == 0, "\(first.stderr)")
            #expect(first.stdout.contains("accepted 1"), "\(first.stdout)")
            #expect(first.stdout.contains("found by listing after a lost answer"))
            let retry = try await f.run(
                ["offboard", "--device", id, "--retry-failed"] + Self.args + ["--yes"] + Self.fast)
            #expect(retry.stdout.contains("nothing to send"), "\(retry.stdout)")
            #expect(sim.simulator.offboardRequestCounts()[id.lowercased()] == 1)
        }
    }

    @Test func aLostAnswerBesideAnotherAdminsOpenActionIsRecordedAsTheirs() async throws {
        let folder = try TemporaryFolder()
        try await withSimulator(OffboardCLIFixture.configuration(devices: 100)) { sim in
            let f = try await OffboardCLIFixture.make(sim, folder)
            let id = try f.offboardable(1)[0]
            // Our request is lost (503 before the service acts); meanwhile bob asked in the portal.
            _ = sim.simulator.requestOffboard(id, comment: "Bob's own ticket", requestor: "bob@contoso.com")
            sim.simulator.failRequest("POST /api/machines/{id}/offboard", with: .status(503))
            let result = try await f.run(["offboard", "--device", id] + Self.args + ["--yes"] + Self.fast)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.contains("already-requested"), "\(result.stdout)")
            #expect(result.stdout.contains("already requested by someone else: bob@contoso.com"))
            #expect(result.stdout.contains("accepted 0, already requested 1"))
        }
    }

    @Test func alreadyInProgressIsRecognisedByItsErrorCode() async throws {
        let folder = try TemporaryFolder()
        try await withSimulator(OffboardCLIFixture.configuration(devices: 100)) { sim in
            let f = try await OffboardCLIFixture.make(sim, folder)
            let id = try f.offboardable(1)[0]
            _ = sim.simulator.requestOffboard(id, comment: "Bob's own ticket", requestor: "bob@contoso.com")
            let result = try await f.run(["offboard", "--device", id] + Self.args + ["--yes"] + Self.fast)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(sim.simulator.offboardRequestCounts()[id.lowercased()] == 1)
            #expect(result.stdout.contains("already requested by someone else: bob@contoso.com"), "\(result.stdout)")
        }
    }

    @Test func onlyTheExactPlatformsTheAPISupportsAreSent() async throws {
        let folder = try TemporaryFolder()
        try await withSimulator(OffboardCLIFixture.configuration(devices: 100)) { sim in
            let f = try await OffboardCLIFixture.make(sim, folder)
            let platforms = [
                "Ubuntu", "CentOS", "Debian", "SuSE", "iPadOS", "Windows7", "WindowsServer2008R2",
                "WindowsServer2012R2", "Windows8.1",
            ]
            let ids = try f.offboardable(platforms.count + 1)
            for (id, platform) in zip(ids, platforms) { sim.simulator.setOSPlatform(id, platform) }
            #expect(try await f.run(["sync", "--no-progress"]).status == 0)
            let result = try await f.run(["offboard", "--device"] + ids + Self.args + ["--yes"] + Self.fast)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.contains("1 selected, \(platforms.count) skipped"), "\(result.stdout)")
            #expect(
                result.stdout.contains(
                    "Ubuntu: the offboard API does not support this platform; offboard it with the Linux"))
            #expect(
                result.stdout.contains(
                    "iPadOS: the offboard API does not support this platform; remove the Defender app"))
            #expect(
                result.stdout.contains(
                    "Windows7: the offboard API does not support this platform; offboard it with the offboarding script for that Windows version"
                ))
            #expect(Set(sim.simulator.offboardRequestCounts().keys) == [ids.last!.lowercased()])
        }
    }

    @Test func a5xxLeavesTheRequestOpenWithStatusAndBodyAndExits3() async throws {
        let folder = try TemporaryFolder()
        try await withSimulator(OffboardCLIFixture.configuration(devices: 100)) { sim in
            let f = try await OffboardCLIFixture.make(sim, folder)
            let ids = try f.offboardable(2)
            sim.simulator.failRequest("POST /api/machines/{id}/offboard", with: .status(503))
            let run = ["offboard", "--device"] + ids + Self.args + ["--yes"] + Self.fast
            let first = try await f.run(run)
            #expect(first.status == 3, "\(first.stdout)\n\(first.stderr)")
            #expect(first.stderr.contains("503 Service Unavailable"), "\(first.stderr)")
            #expect(first.stderr.contains("1 request(s) still open"))
            #expect(first.stderr.contains("  \(ids[0])  "))
            let body = try await DatabaseQueue(path: f.db).read { db in
                try Row.fetchOne(
                    db,
                    sql: "SELECT http_status, message FROM outbox_steps WHERE http_status IS NOT NULL ORDER BY seq DESC"
                )
            }
            #expect(body?[0] == 503)
            #expect((body?[1] as String?)?.contains("body: {") == true, "\(String(describing: body))")
            // Status shows every step of the device though the local clock is a month past the snapshot.
            let status = try await f.run(["status", ids[0]])
            #expect(status.stdout.contains("plan 1: sent"), "\(status.stdout)")
            #expect(status.stdout.contains("plan 1: planned"))
            let second = try await f.run(run)
            #expect(second.status == 0, "\(second.stderr)")
            // The 503 came before the service acted (the simulator counts only requests that reached it): the rerun
            // listed the device's actions, found none of this plan's, and sent it once.
            #expect(sim.simulator.offboardRequestCounts()[ids[0].lowercased()] == 1)
            #expect(second.stdout.contains("accepted 2"), "\(second.stdout)")
        }
    }

    @Test func theLiveRecheckSkipsADeviceRenamedSinceThePlan() async throws {
        let folder = try TemporaryFolder()
        try await withSimulator(OffboardCLIFixture.configuration(devices: 100)) { sim in
            let f = try await OffboardCLIFixture.make(sim, folder)
            let ids = try f.offboardable(2)
            // Re-imaged and joined anew under another name: the id now means a device no one approved.
            sim.simulator.setComputerDnsName(
                ids[0], "someone-elses-pc", aadDeviceId: "11111111-2222-3333-4444-555555555555")
            let result = try await f.run(["offboard", "--device"] + ids + Self.args + ["--yes"] + Self.fast)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(
                result.stdout.contains("live-recheck live re-check: the device is now someone-elses-pc"),
                "\(result.stdout)")
            #expect(Set(sim.simulator.offboardRequestCounts().keys) == [ids[1].lowercased()])
            #expect(sim.simulator.requestCount("GET /api/machines/{id}") == 2)
        }
    }

    @Test func aSelectionOverTheBlastRadiusIsRefusedAndSendsNothing() async throws {
        let folder = try TemporaryFolder()
        try await withSimulator(OffboardCLIFixture.configuration(devices: 100)) { sim in
            let f = try await OffboardCLIFixture.make(sim, folder)
            let ids = try f.offboardable(4)
            #expect(try await f.run(["tenant", "set", "default", "max_offboard_per_run", "3"]).status == 0)
            let before = try ledgerDump(f.db)
            let refused = try await f.run(["offboard", "--device"] + ids + Self.args + ["--yes"] + Self.fast)
            #expect(refused.status == 64)
            #expect(
                refused.stderr.contains("4 devices selected, more than max_offboard_per_run (3)"), "\(refused.stderr)")
            #expect(try ledgerDump(f.db) == before)
            #expect(sim.simulator.offboardRequestCounts().isEmpty)
            // Its dry run still writes the plan file, so the large plan can be approved and sent as it is.
            let plan = folder.path("large.json")
            let dry = try await f.run(["offboard", "--device"] + ids + Self.args + ["--dry-run", "--plan-out", plan])
            #expect(dry.status == 0, "\(dry.stderr)")
            #expect(dry.stdout.contains("note: 4 devices, more than max_offboard_per_run (3)"), "\(dry.stdout)")
            let approved = try await f.run(["offboard", "--plan", plan, "--yes"] + Self.fast)
            #expect(approved.status == 0, "\(approved.stderr)")
            #expect(sim.simulator.offboardRequestCounts().count == 4)
            let more = try f.offboardable(9).filter { !ids.contains($0) }.prefix(4).map { $0 }
            let allowed = try await f.run(
                ["offboard", "--device"] + more + Self.args + ["--yes", "--allow-large-plan"] + Self.fast)
            #expect(allowed.status == 0, "\(allowed.stderr)")
            #expect(sim.simulator.offboardRequestCounts().count == 8)
        }
    }

    @Test func aGenericAccountMustNameTheRequester() async throws {
        let folder = try TemporaryFolder()
        try await withSimulator(OffboardCLIFixture.configuration(devices: 100)) { sim in
            let f = try await OffboardCLIFixture.make(sim, folder)
            let id = try f.offboardable(1)[0]
            let refused = try await f.run(
                ["offboard", "--device", id] + Self.args + ["--dry-run"], extra: ["USER": "root"])
            #expect(refused.status == 64)
            #expect(refused.stderr.contains("pass --requested-by NAME"), "\(refused.stderr)")
            let named = try await f.run(
                ["offboard", "--device", id] + Self.args + ["--requested-by", "dave", "--yes"] + Self.fast,
                extra: ["USER": "root"])
            #expect(named.status == 0, "\(named.stderr)")
            let comment = try await DatabaseQueue(path: f.db).read { db in
                try String.fetchOne(
                    db, sql: "SELECT requestor_comment FROM machine_actions WHERE machine_id = ?", arguments: [id])
            }
            #expect(comment == "Retired per CHG-1234 (mde-ledger plan 1, requested by dave)")
        }
    }

    @Test func anApprovedPlanSendsExactlyItsDevicesOrRefuses() async throws {
        let folder = try TemporaryFolder()
        try await withSimulator(OffboardCLIFixture.configuration(devices: 100)) { sim in
            let f = try await OffboardCLIFixture.make(sim, folder)
            let ids = try f.offboardable(3)
            let plan = folder.path("plan.json")
            let dry = try await f.run(["offboard", "--device"] + ids + Self.args + ["--dry-run", "--plan-out", plan])
            #expect(dry.status == 0, "\(dry.stderr)")
            #expect(dry.stdout.contains("plan written to \(plan): 3 devices, sha256 "))
            // Someone else offboards one of them; after a sync its state changed: the plan refuses.
            _ = sim.simulator.requestOffboard(ids[1], comment: "other", requestor: "bob@contoso.com")
            #expect(try await f.run(["sync", "--no-progress"]).status == 0)
            let refused = try await f.run(["offboard", "--plan", plan, "--yes"] + Self.fast)
            #expect(refused.status == 64)
            #expect(refused.stderr.contains("the plan no longer matches the ledger"), "\(refused.stderr)")
            #expect(refused.stderr.contains(ids[1]))
            #expect(sim.simulator.offboardRequestCounts().isEmpty, "bob asked in the portal; the plan sent nothing")
            // An edited plan file is refused too.
            var text = try String(contentsOfFile: plan, encoding: .utf8)
            text = text.replacingOccurrences(of: ids[0], with: ids[0].uppercased())
            let edited = try f.write("edited.json", text)
            let tampered = try await f.run(["offboard", "--plan", edited, "--yes"] + Self.fast)
            #expect(tampered.status == 64)
            #expect(tampered.stderr.contains("was changed after it was written"), "\(tampered.stderr)")
            // A fresh plan of the remaining two runs exactly, even under kill -9 part-way.
            let fresh = folder.path("fresh.json")
            let again = [ids[0], ids[2]]
            #expect(
                try await f.run(["offboard", "--device"] + again + Self.args + ["--dry-run", "--plan-out", fresh])
                    .status == 0)
            let killed = try await f.run(
                ["offboard", "--plan", fresh, "--yes"] + Self.fast, extra: ["MDE_LEDGER_TEST_KILL_AFTER": "3"])
            #expect(killed.status == 9)
            let resumed = try await f.run(["offboard", "--plan", fresh, "--yes"] + Self.fast)
            #expect(resumed.status == 0, "\(resumed.stderr)")
            let counts = sim.simulator.offboardRequestCounts()
            #expect(Set(counts.keys) == Set(again.map { $0.lowercased() }))
            #expect(counts.values.allSatisfy { $0 == 1 }, "\(counts)")
            let status = try await f.run(["offboard", "--status", "1"])
            #expect(status.stdout.contains("plan sha256 "))
            #expect(try await f.run(["verify"]).status == 0)
        }
    }

    @Test func aWithdrawnRetirementIsNeverSelectedAndOneListCanBeChosen() async throws {
        let folder = try TemporaryFolder()
        try await withSimulator(OffboardCLIFixture.configuration(devices: 100)) { sim in
            let f = try await OffboardCLIFixture.make(sim, folder)
            let ids = try f.offboardable(3)
            let listA = try f.write("retired-a.csv", "device,retired_on\n\(ids[0]),2026-10-01\n\(ids[1]),2026-10-01\n")
            let listB = try f.write("retired-b.csv", "device,retired_on,note\n\(ids[2]),2026-10-02,sold\n")
            #expect(try await f.run(["import", "retired", listA]).status == 0)
            #expect(try await f.run(["import", "retired", listB]).status == 0)
            let before = try ledgerDump(f.db)
            let unknown = try await f.run(["retired", "withdraw", ids[0], "no-such-device", "--reason", "CHG-7"])
            #expect(unknown.status == 1)
            #expect(unknown.stderr.contains("nothing was withdrawn"), "\(unknown.stderr)")
            #expect(try ledgerDump(f.db) == before)
            let withdrawn = try await f.run(["retired", "withdraw", ids[0], "--reason", "Retired by mistake, CHG-7"])
            #expect(withdrawn.status == 0, "\(withdrawn.stderr)")
            #expect(withdrawn.stdout.contains("withdrew the retirement of 1 device (\(ids[0])), by alice"))
            let csv = try await f.run(["retired", "list", "--format", "csv"])
            #expect(csv.stdout.contains("\(ids[0]),"), "\(csv.stdout)")
            #expect(csv.stdout.contains("id,retired-a.csv:2,"))
            #expect(csv.stdout.contains(",alice,\"Retired by mistake, CHG-7\""))
            let table = try await f.run(["retired", "list"])
            #expect(table.stdout.contains("in force"))
            #expect(table.stdout.contains("by alice: Retired by mistake, CHG-7"))
            let dry = try await f.run(["offboard", "--retired"] + Self.args + ["--dry-run"])
            #expect(dry.stdout.contains("2 selected, 1 skipped"), "\(dry.stdout)")
            #expect(dry.stdout.contains("(\(ids[0])): retirement withdrawn by alice at "))
            let onlyB = try await f.run(["offboard", "--retired", "--list", listB] + Self.args + ["--dry-run"])
            #expect(onlyB.stdout.contains("1 selected, 0 skipped"), "\(onlyB.stdout)")
            #expect(onlyB.stdout.contains("  \(ids[2])  "))
            #expect(onlyB.stdout.contains("matched by id, retired-b.csv:2, note \"sold\""))
            let byName = try await f.run(
                ["offboard", "--retired", "--list", "retired-a.csv"] + Self.args + ["--dry-run"])
            #expect(byName.stdout.contains("1 selected, 1 skipped"), "\(byName.stdout)")
            let status = try await f.run(["status", ids[0]])
            #expect(status.stdout.contains("retirement withdrawn by alice: Retired by mistake, CHG-7"))
            #expect(try await f.run(["verify"]).status == 0)
            // The withdrawal is history like the retirement: rewriting who withdrew it is caught by its run's digest.
            try await DatabaseQueue(path: f.db).write { db in
                try db.execute(
                    sql: """
                        DROP TRIGGER retirement_withdrawals_no_update;
                        UPDATE retirement_withdrawals SET withdrawn_by = 'mallory';
                        """)
            }
            let tampered = try await f.run(["verify"])
            #expect(tampered.status != 0)
            #expect((tampered.stdout + tampered.stderr).contains("was altered after commit"), "\(tampered.stderr)")
        }
    }

    static func dayBefore(_ time: String) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        let date = formatter.date(from: String(time.prefix(10)))!.addingTimeInterval(-86_400)
        return formatter.string(from: date)
    }
}

/// Defect 11: what a person or a cron job sees while a plan runs, and when it is stopped.
@Suite struct OffboardProgressTests {
    @Test func offATerminalProgressLinesCarryCountRateAndETA() async throws {
        let folder = try TemporaryFolder()
        try await withSimulator(OffboardCLIFixture.configuration(devices: 100)) { sim in
            let f = try await OffboardCLIFixture.make(sim, folder)
            let ids = try f.offboardable(3)
            // The 30 s interval shortened to 0 so each device prints its line; stderr is not a terminal here.
            let result = try await f.run(
                ["offboard", "--device"] + ids + OffboardSafetyTests.args + ["--yes", "--rate-limit", "100000/1s"],
                extra: ["MDE_LEDGER_TEST_PROGRESS_SECONDS": "0"])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stderr.contains("3/3 devices done, "), "\(result.stderr)")
            #expect(result.stderr.contains("/s, ETA under a minute"))
        }
    }

    @Test func ctrlCSaysWhatWasSentAndHowToResume() async throws {
        let folder = try TemporaryFolder()
        try await withSimulator(OffboardCLIFixture.configuration(devices: 100)) { sim in
            let f = try await OffboardCLIFixture.make(sim, folder)
            let ids = try f.offboardable(4)
            let args = ["offboard", "--device"] + ids + OffboardSafetyTests.args + ["--yes"] + OffboardSafetyTests.fast
            let stopped = try await f.run(args, extra: ["MDE_LEDGER_TEST_INTERRUPT_AFTER": "4"])
            #expect(stopped.status == 130, "\(stopped.stdout)\n\(stopped.stderr)")
            #expect(stopped.stderr.contains("interrupted: "), "\(stopped.stderr)")
            #expect(stopped.stderr.contains("Run the same command again to resume; it sends no device twice."))
            let resumed = try await f.run(args)
            #expect(resumed.status == 0, "\(resumed.stderr)")
            let counts = sim.simulator.offboardRequestCounts()
            #expect(Set(counts.keys) == Set(ids.map { $0.lowercased() }))
            #expect(counts.values.allSatisfy { $0 == 1 }, "\(counts)")
        }
    }
}
