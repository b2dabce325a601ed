import Foundation
import GRDB
import MDESimulator
import MDETestSupport
import Testing

/// Issue 21: accepted risks (`exception add|list|revoke`) and offboardings done outside the API
/// (`offboard --record-manual`). An excepted finding is shown with its exception and not counted, only while the
/// device is in the excepted state and the exception is in force; both are chained facts `verify` checks.
@Suite struct ExceptionTests {
    typealias JSONRow = [String: Any]

    static func json(_ text: String) throws -> Any { try JSONSerialization.jsonObject(with: Data(text.utf8)) }
    static func date(_ text: String) throws -> Date { try #require(ISO8601DateFormatter().date(from: text)) }

    /// One device as `devices --format json` shows it at the latest run.
    static func device(_ db: String, _ id: String) async throws -> JSONRow {
        let result = try await CLIRunner.run(["devices", "--db", db, "--format", "json"])
        let rows = try #require(try json(result.stdout) as? [JSONRow])
        return try #require(rows.first { $0["id"] as? String == id })
    }

    static func eventCount(_ db: String) throws -> Int {
        try DatabaseQueue(path: db).read { try Int.fetchOne($0, sql: "SELECT count(*) FROM events") ?? 0 }
    }

    @Test func anExceptedFindingIsShownNotCountedAndReturnsWhenItEndsOrIsRevoked() async throws {
        let folder = try TemporaryFolder()
        let db = folder.path("l.sqlite")
        let configuration = SimulatorConfiguration(devices: 120, rateLimits: .unlimited, reonboardFraction: 0)
        try await withSimulator(configuration) { sim in
            sim.simulator.advanceClock(to: try Self.date("2026-11-20T09:00:00Z"))
            let sync = ["sync", "--no-progress", "--no-graph", "--db", db]
            func syncAt(_ time: String) async throws {
                sim.simulator.advanceClock(to: try Self.date(time))
                let result = try await CLIRunner.run(sync, environment: sim.environment)
                #expect(result.status == 0, "\(result.stderr)")
            }
            try await syncAt("2026-11-20T09:00:00Z")
            let list = try await CLIRunner.run(["devices", "--db", db, "--state", "active", "--format", "json"])
            let windows = try #require(try Self.json(list.stdout) as? [JSONRow])
                .filter { ($0["osPlatform"] as? String ?? "").hasPrefix("Windows1") }.compactMap { $0["id"] as? String }
                .sorted()
            try #require(windows.count >= 2)
            let (kept, revoked) = (windows[0], windows[1])
            for id in [kept, revoked] { sim.simulator.setKeepsReporting(id) }
            let csv = folder.path("retired.csv")
            try "device,retired_on\n\(kept),2026-11-01\n\(revoked),2026-11-01\n".write(
                toFile: csv, atomically: true, encoding: .utf8)
            #expect(try await CLIRunner.run(["import", "retired", csv, "--db", db]).status == 0)
            try await syncAt("2026-11-29T09:00:00Z")
            #expect(try await Self.device(db, kept)["state"] as? String == "retired-still-reporting")

            // Bad input changes nothing: a state that is never a finding, a day that does not exist, a device
            // that matches nothing, an exception that would already have ended.
            let before = try Self.eventCount(db)
            let add = [
                "exception", "add", "--db", db, "--reason", "kept for forensics, RISK-12", "--requested-by", "sato",
            ]
            let clock = ["MDE_LEDGER_TEST_CLOCK": "2026-12-02T10:00:00Z"]
            for (args, status) in [
                ([kept, "--state", "active", "--until", "2026-12-20"], Int32(64)),
                ([kept, "--state", "retired-still-reporting", "--until", "2026-12-32"], 64),
                (["no-such-device", "--state", "retired-still-reporting", "--until", "2026-12-20"], 1),
                ([kept, "--state", "retired-still-reporting", "--until", "2026-12-01"], 1),
            ] {
                let result = try await CLIRunner.run(add + args, environment: clock)
                #expect(result.status == status, "\(args): \(result.stderr)")
                #expect(result.stderr.hasPrefix("error: "), "\(result.stderr)")
            }
            #expect(try Self.eventCount(db) == before)

            let added = try await CLIRunner.run(
                add + [kept, "--state", "retired-still-reporting", "--until", "2026-12-20", "--approved-by", "CISO"],
                environment: clock)
            #expect(added.status == 0, "\(added.stderr)")
            #expect(added.stdout.contains("exception 1 for \(kept)"), "\(added.stdout)")
            // An exception for a state the device is not in is recorded, with a note that it does not apply now.
            let other = try await CLIRunner.run(
                add + [revoked, "--state", "offboard-failed", "--until", "2026-12-20"], environment: clock)
            #expect(other.status == 0 && other.stdout.contains("note: as of its latest sync the device is"))
            let second = try await CLIRunner.run(
                add + [revoked, "--state", "retired-still-reporting", "--until", "2027-01-31"], environment: clock)
            #expect(second.status == 0, "\(second.stderr)")
            try await syncAt("2026-12-04T09:00:00Z")

            let excepted = try await Self.device(db, kept)
            #expect(excepted["state"] as? String == "retired-still-reporting")
            #expect(excepted["finding"] as? Bool == false)
            let note = try #require(excepted["exceptionNote"] as? String)
            #expect(note == "exception 1 until 2026-12-20, approved by CISO: kept for forensics, RISK-12")
            #expect(try await Self.device(db, revoked)["finding"] as? Bool == false)

            // The backlog lists it with its exception, and does not count it.
            let backlog = try await CLIRunner.run(["report", "offboard-backlog", "--db", db, "--format", "json"])
            let answer = try #require(try Self.json(backlog.stdout) as? JSONRow)
            let rows = try #require(answer["rows"] as? [JSONRow])
            let row = try #require(rows.first { $0["machine_id"] as? String == kept })
            #expect(row["finding"] as? Int == 0 && row["exception"] as? String == note)
            #expect(answer["findings"] as? Int == rows.count { $0["finding"] as? Int == 1 })
            #expect((answer["excepted"] as? Int ?? 0) >= 2)
            let markdown = try await CLIRunner.run(["report", "offboard-backlog", "--db", db, "--format", "md"])
            #expect(markdown.stdout.contains("excepted, not counted)"))
            // Since the month end it closed, and why.
            let changes = try await CLIRunner.run(["report", "finding-changes", "--db", db, "--format", "json"])
            let changed = try #require((try Self.json(changes.stdout) as? JSONRow)?["rows"] as? [JSONRow])
            let closed = try #require(changed.first { $0["machine_id"] as? String == kept })
            #expect(closed["change"] as? String == "closed" && closed["why"] as? String == "excepted: " + note)
            // The month end before the exception began still shows the finding: an exception is not back-dated.
            let monthEnd = try await CLIRunner.run(
                ["devices", "--db", db, "--format", "json", "--as-of", "2026-11-30T23:59:59Z"])
            let then = try #require(try Self.json(monthEnd.stdout) as? [JSONRow]).first { $0["id"] as? String == kept }
            #expect(then?["finding"] as? Bool == true && then?["exceptionNote"] == nil)
            let status = try await CLIRunner.run(["status", kept, "--db", db])
            #expect(status.stdout.contains("EXCEPTED: " + note), "\(status.stdout)")
            #expect(status.stdout.contains("(finding, excepted)"))

            // Revoked: the finding counts again from the revocation.
            let revoke = try await CLIRunner.run(
                ["exception", "revoke", "3", "--reason", "forensics done", "--requested-by", "sato", "--db", db],
                environment: ["MDE_LEDGER_TEST_CLOCK": "2026-12-05T10:00:00Z"])
            #expect(revoke.status == 0, "\(revoke.stderr)")
            let again = try await CLIRunner.run(
                ["exception", "revoke", "3", "--reason", "twice", "--requested-by", "sato", "--db", db])
            #expect(again.status == 1 && again.stderr.contains("was revoked at"))
            try await syncAt("2026-12-06T09:00:00Z")
            #expect(try await Self.device(db, revoked)["finding"] as? Bool == true)
            #expect(try await Self.device(db, kept)["finding"] as? Bool == false)
            // Expired: after its last day the finding counts again.
            try await syncAt("2026-12-21T09:00:00Z")
            #expect(try await Self.device(db, kept)["finding"] as? Bool == true)
            #expect(try await Self.device(db, kept)["exceptionNote"] == nil)

            let listed = try await CLIRunner.run(
                ["exception", "list", "--db", db, "--format", "json"],
                environment: ["MDE_LEDGER_TEST_CLOCK": "2026-12-21T10:00:00Z"])
            let exceptions = try #require(try Self.json(listed.stdout) as? [JSONRow])
            #expect(exceptions.count == 3)
            #expect(exceptions.last?["revokedBy"] as? String == "sato")
            let csvList = try await CLIRunner.run(
                ["exception", "list", "--db", db, "--format", "csv"],
                environment: ["MDE_LEDGER_TEST_CLOCK": "2026-12-21T10:00:00Z"])
            #expect(csvList.stdout.contains(",expired,") && csvList.stdout.contains(",revoked,"))
            #expect(try await CLIRunner.run(["verify", "--db", db]).status == 0)

            // The rows are covered by their run's digest: an edit made past the triggers is found.
            try Self.editPastTheTriggers(db)
            let verify = try await CLIRunner.run(["verify", "--db", db])
            #expect(
                verify.status != 0 && (verify.stdout + verify.stderr).contains("was altered after commit"),
                "\(verify.stderr)")
        }
    }

    static func editPastTheTriggers(_ path: String) throws {
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            let trigger = try String.fetchOne(
                db, sql: "SELECT sql FROM sqlite_master WHERE name = 'finding_exceptions_no_update'")!
            try db.execute(sql: "DROP TRIGGER finding_exceptions_no_update")
            try db.execute(sql: "UPDATE finding_exceptions SET until_date = '2099-12-31' WHERE seq = 1")
            try db.execute(sql: trigger)
        }
    }

    @Test func anOffboardingRecordedByHandIsJudgedLikeTheAPIs() async throws {
        let folder = try TemporaryFolder()
        let db = folder.path("l.sqlite")
        let configuration = SimulatorConfiguration(devices: 120, rateLimits: .unlimited, reonboardFraction: 0)
        try await withSimulator(configuration) { sim in
            let sync = ["sync", "--no-progress", "--no-graph", "--db", db]
            func syncAt(_ time: String) async throws {
                sim.simulator.advanceClock(to: try Self.date(time))
                let result = try await CLIRunner.run(sync, environment: sim.environment)
                #expect(result.status == 0, "\(result.stderr)")
            }
            try await syncAt("2026-11-20T09:00:00Z")
            let list = try await CLIRunner.run(["devices", "--db", db, "--state", "active", "--format", "json"])
            let scripted = try #require(try Self.json(list.stdout) as? [JSONRow])
                .filter { ["macOS", "Linux"].contains($0["osPlatform"] as? String ?? "") }
                .compactMap { $0["id"] as? String }.sorted()
            try #require(scripted.count >= 2)
            let (silent, reporting) = (scripted[0], scripted[1])
            // The portal's script stops one; the other is re-onboarded by a policy and keeps reporting.
            sim.simulator.retireDeviceSilently(silent)
            sim.simulator.setKeepsReporting(reporting)
            let record = ["offboard", "--db", db, "--requested-by", "sato", "--offboarded-at", "2026-11-20T10:00:00Z"]
            let clock = ["MDE_LEDGER_TEST_CLOCK": "2026-11-20T12:00:00Z"]
            let before = try Self.eventCount(db)
            let missing = try await CLIRunner.run(record + ["--record-manual", silent], environment: clock)
            #expect(missing.status == 64 && missing.stderr.contains("--evidence is required"))
            let future = try await CLIRunner.run(
                [
                    "offboard", "--db", db, "--requested-by", "sato", "--record-manual", silent, "--evidence", "x",
                    "--offboarded-at", "2026-11-21T00:00:00Z",
                ], environment: clock)
            #expect(future.status == 1 && future.stderr.contains("is in the future"))
            #expect(try Self.eventCount(db) == before)
            for id in [silent, reporting] {
                let result = try await CLIRunner.run(
                    record + ["--record-manual", id, "--evidence", "offboarding script run by IT, INC-88"],
                    environment: clock)
                #expect(result.status == 0, "\(result.stderr)")
            }
            try await syncAt("2026-11-23T09:00:00Z")
            let stopped = try await Self.device(db, silent)
            #expect(stopped["state"] as? String == "offboarded" && stopped["finding"] as? Bool == false, "\(stopped)")
            let still = try await Self.device(db, reporting)
            #expect(still["state"] as? String == "offboarded-still-reporting" && still["finding"] as? Bool == true)
            let history = try await CLIRunner.run(["report", "offboard-history", "--db", db, "--format", "json"])
            let rows = try #require((try Self.json(history.stdout) as? JSONRow)?["rows"] as? [JSONRow])
            let manual = rows.filter { ($0["action_id"] as? String ?? "").hasPrefix("manual-") }
            #expect(manual.count == 2)
            #expect(
                manual.allSatisfy { $0["status"] as? String == "Succeeded" && $0["requestor"] as? String == "sato" })
            let status = try await CLIRunner.run(["status", silent, "--db", db])
            #expect(status.stdout.contains("offboarded without the API (manual-"), "\(status.stdout)")
            #expect(try await CLIRunner.run(["verify", "--db", db]).status == 0)
        }
    }
}
