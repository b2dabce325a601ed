import Foundation
import GRDB
import MDESimulator
import MDETestSupport
import Testing

/// Issue 21's defects: a period after the last run is refused or marked partial, sync-health reads up to now,
/// full-width names line up in the devices table, and names match across Unicode forms.
@Suite struct ReportDefectsTests {
    /// A ledger of three devices imported on 2026-05-14, one with a Japanese name.
    static func importedLedger(_ folder: TemporaryFolder) async throws -> String {
        let db = folder.path("l.sqlite")
        let csv = folder.path("machines.csv")
        try """
        Device ID,Device Name,Last device update
        1e5bc9d7e413ddd7902c2932e418702b84d0cc07,経理部-ノートPC01,2026-05-13
        2e5bc9d7e413ddd7902c2932e418702b84d0cc07,ws-0002,2026-05-13
        3e5bc9d7e413ddd7902c2932e418702b84d0cc07,ｿｳﾑ-ws03,2026-05-13

        """.write(toFile: csv, atomically: true, encoding: .utf8)
        let imported = try await CLIRunner.run(
            ["import", "machines", "--db", db, "--observed-at", "2026-05-14T00:00:00Z", csv])
        #expect(imported.status == 0, "\(imported.stderr)")
        return db
    }

    @Test func aMonthAfterTheLastRunIsRefusedOrMarkedPartial() async throws {
        let folder = try TemporaryFolder()
        let db = try await Self.importedLedger(folder)
        let before = try ledgerDump(db)
        let refused = try await CLIRunner.run(
            ["report", "license-compliance", "--db", db, "--month", "2026-06", "--fail-on-findings"])
        #expect(refused.status == 64, "\(refused.stdout)\(refused.stderr)")
        #expect(refused.stdout.isEmpty)
        #expect(
            refused.stderr.contains("2026-06-30T23:59:59Z is after the last run (tenant default last ran 2026-05-14")
                && refused.stderr.contains("--allow-partial"), "\(refused.stderr)")
        #expect(try ledgerDump(db) == before)

        // The month of the run itself is covered up to its end only when a run is at or after it: May is not.
        let may = try await CLIRunner.run(["report", "license-compliance", "--db", db, "--month", "2026-05"])
        #expect(may.status == 64)
        let atTheRun = try await CLIRunner.run(
            ["report", "license-compliance", "--db", db, "--as-of", "2026-05-14T00:00:00Z"])
        #expect(atTheRun.status == 0, "\(atTheRun.stderr)")
        #expect(!atTheRun.stdout.contains("partial"))
        // Data freshness: the run behind the answer and its age; no warning at the run itself.
        #expect(
            atTheRun.stdout.contains(
                "- data: tenant default: MDE run 1 observed 2026-05-14T00:00:00Z, 0 h before this time; Graph not read\n"
            ),
            "\(atTheRun.stdout)")
        let late = try await CLIRunner.run(
            ["report", "license-compliance", "--db", db, "--month", "2026-06", "--allow-partial"])
        #expect(
            late.stdout.contains(
                "1151 h before this time; Graph not read; WARNING: older than stale\\_hours (48 h)"), "\(late.stdout)")

        for (format, mark) in [
            ("md", "- **partial: 2026-06-30T23:59:59Z is after the last run"),
            ("csv", "# partial: 2026-06-30T23:59:59Z is after the last run"),
            ("json", "\"partial\" : \"partial: 2026-06-30T23:59:59Z is after the last run"),
            ("html", "<dt>Partial</dt><dd class=\"partial\">partial: 2026-06-30T23:59:59Z is after the last run"),
        ] {
            let partial = try await CLIRunner.run(
                [
                    "report", "license-compliance", "--db", db, "--month", "2026-06", "--allow-partial", "--format",
                    format,
                ])
            #expect(partial.status == 0, "\(partial.stderr)")
            #expect(partial.stdout.contains(mark), "\(format): \(partial.stdout)")
        }
    }

    /// The legend names the states the report shows, each with its rule and the tenant's thresholds.
    @Test func theLegendExplainsTheStatesShownWithTheThresholdsInForce() async throws {
        let folder = try TemporaryFolder()
        let db = try await Self.importedLedger(folder)
        for format in ["md", "html"] {
            let report = try await CLIRunner.run(["report", "license-compliance", "--db", db, "--format", format])
            #expect(report.status == 0, "\(report.stderr)")
            #expect(report.stdout.contains("not-onboarded: discovered, not onboarded: uses no licence"))
            #expect(!report.stdout.contains("retired-still-reporting: retired"), "only the states shown")
        }
        let backlog = try await CLIRunner.run(["report", "still-reporting", "--db", db])
        #expect(!backlog.stdout.contains("## legend"), "no state shown, no legend: \(backlog.stdout)")
    }

    @Test func syncHealthReadsUpToNowAndShowsFailuresAfterTheLastCommittedRun() async throws {
        let folder = try TemporaryFolder()
        let db = folder.path("l.sqlite")
        try await withSimulator(SimulatorConfiguration(devices: 5, rateLimits: .unlimited)) { sim in
            let sync = ["sync", "--no-progress", "--no-graph", "--db", db]
            // The ledger's clock an hour after the simulator's: the failed run is dated by it, and "now" is it.
            let clock = ["MDE_LEDGER_TEST_CLOCK": "2026-11-02T10:00:00Z"]
            let env = sim.environment.merging(clock) { _, new in new }
            #expect(try await CLIRunner.run(sync, environment: env).status == 0)
            sim.simulator.failRequest("GET /api/machines", with: .status(400))
            let failed = try await CLIRunner.run(sync, environment: env)
            #expect(failed.status != 0)
            let report = try await CLIRunner.run(
                ["report", "sync-health", "--db", db, "--format", "csv"], environment: clock)
            #expect(report.status == 0, "\(report.stderr)")
            let runs = report.stdout.split(separator: "\n").filter { $0.hasPrefix("default,") }
            #expect(runs.count == 2, "\(report.stdout)\(failed.stderr)")
            #expect(runs.last?.contains(",failed,1,") == true, "\(report.stdout)")
        }
    }

    @Test func fullWidthNamesLineUpAndMatchInAnyUnicodeForm() async throws {
        let folder = try TemporaryFolder()
        let db = try await Self.importedLedger(folder)
        let table = try await CLIRunner.run(["devices", "--db", db])
        #expect(table.status == 0, "\(table.stderr)")
        // The STATE column starts at the same terminal column on every row, whatever the name's script.
        let rows = table.stdout.split(separator: "\n").filter { !$0.hasPrefix("#") }
        #expect(rows.count == 4, "\(table.stdout)")
        let columns = rows.map { row -> Int? in
            let text = String(row)
            // The third field (STATE) is separated by two or more spaces; where it starts, in terminal columns.
            let fields = text.split(separator: "  ").map { $0.trimmingCharacters(in: .whitespaces) }.filter {
                !$0.isEmpty
            }
            guard fields.count >= 3, let state = text.range(of: "  \(fields[2])  ") else { return nil }
            return DisplayColumns.of(String(text[..<state.lowerBound]))
        }
        #expect(!columns.contains(nil), "\(table.stdout)")
        #expect(Set(columns).count == 1, "\(table.stdout)")

        // Typed in another form: full-width ASCII, half-width katakana as full-width, upper case.
        for (query, id) in [
            ("経理部-ノートＰＣ０１", "1e5bc9d7e413ddd7902c2932e418702b84d0cc07"),
            ("ＷＳ－０００２", "2e5bc9d7e413ddd7902c2932e418702b84d0cc07"),
            ("ソウム-WS03", "3e5bc9d7e413ddd7902c2932e418702b84d0cc07"),
        ] {
            let status = try await CLIRunner.run(["status", query, "--db", db])
            #expect(status.status == 0, "\(query): \(status.stderr)")
            #expect(status.stdout.contains("device:   \(id)"), "\(query): \(status.stdout)")
        }
        let shown = try await CLIRunner.run(["status", "ソウム-WS03", "--db", db])
        #expect(shown.stdout.contains("ｿｳﾑ-ws03"), "the stored name is shown as it is: \(shown.stdout)")
    }
}

/// Terminal columns, counted here independently of the tool: wide for CJK ideographs, kana and full-width forms.
enum DisplayColumns {
    static func of(_ text: String) -> Int {
        text.unicodeScalars.reduce(0) { width, scalar in
            switch scalar.value {
            case 0x3040...0x30FF, 0x4E00...0x9FFF, 0xFF01...0xFF60: width + 2
            default: width + 1
            }
        }
    }
}
