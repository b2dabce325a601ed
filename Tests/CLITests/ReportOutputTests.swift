import Foundation
import MDETestSupport
import Testing

/// What a user sees from `report`: hostile names inert and intact, usage errors, user reports, exit codes.
@Suite struct ReportOutputTests {
    @Test func hostileNameIsInertAndIntactInEveryFormat() async throws {
        let scratch = try TemporaryFolder()
        try await withSimulator(ReportScenario.configuration) { sim in
            let db = try await ReportScenario.build(in: scratch, sim)
            let name = ReportScenario.hostileName
            func run(_ format: String) async throws -> String {
                let result = try await CLIRunner.run(["report", "license-compliance", "--db", db, "--format", format])
                #expect(result.status == 0, "\(format): \(result.stderr)")
                return result.stdout
            }
            let csv = try await run("csv")
            // Quoted, inner quotes doubled, and an apostrophe first so a spreadsheet shows text, not a formula.
            #expect(csv.contains("\"'" + name.replacing("\"", with: "\"\"") + "\""))
            #expect(csv.contains("'=cmd|' /C calc'!A0"))
            let md = try await run("md")
            #expect(
                md.contains(
                    "=HYPERLINK(\"http://x\",\"y\") a\\|b &lt;script&gt;alert(1)&lt;/script&gt;<br>line2 \\`tick\\` 日本語端末"
                ))
            #expect(!md.contains("<script>"))
            let html = try await run("html")
            #expect(
                html.contains(
                    "=HYPERLINK(&quot;http://x&quot;,&quot;y&quot;) a|b &lt;script&gt;alert(1)&lt;/script&gt;<br>line2 `tick` 日本語端末"
                ))
            #expect(!html.contains("<script"))
            #expect(!html.contains("src=") && !html.contains("href="), "no external assets")
            let json = try await run("json")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
            let rows = try #require(object["rows"] as? [[String: Any]])
            #expect(rows.contains { $0["computer_dns_name"] as? String == name })
        }
    }

    @Test func unknownReportListsTheAvailableOnesAndExits64() async throws {
        let scratch = try TemporaryFolder()
        let result = try await CLIRunner.run(["report", "licence", "--db", scratch.path("none.sqlite")])
        #expect(result.status == 64)
        #expect(
            result.stderr.hasPrefix("error: unknown report 'licence'; available: finding-changes, license-compliance, ")
        )
        let list = try await CLIRunner.run(["report", "--list"])
        #expect(list.status == 0)
        for report in ReportScenario.reports { #expect(list.stdout.contains("\(report): "), "\(report) listed") }
        #expect(list.stdout.contains("runs at the last 12 month ends"))
    }

    @Test func userReportsReplaceBuiltInsAndSQLErrorsNameTheFile() async throws {
        let scratch = try TemporaryFolder()
        try await withSimulator(.init(devices: 20)) { sim in
            let db = scratch.path("l.sqlite")
            try await ReportScenario.expectOK(["sync", "--db", db], sim)
            let dir = scratch.url.appendingPathComponent("mine")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            try "-- title: Mine\n-- params: as_of\nSELECT count(*) AS devices, :as_of AS t FROM device_states;\n"
                .write(to: dir.appendingPathComponent("still-reporting.sql"), atomically: true, encoding: .utf8)
            try "-- title: Broken\nSELECT nope FROM device_states;\n"
                .write(to: dir.appendingPathComponent("broken.sql"), atomically: true, encoding: .utf8)
            let mine = try await CLIRunner.run(
                ["report", "still-reporting", "--db", db, "--reports", dir.path, "--format", "csv"])
            #expect(mine.status == 0, "\(mine.stderr)")
            #expect(mine.stdout.hasPrefix("devices,t\n20,2026-11-02T09:00:00Z"), "\(mine.stdout)")
            #expect(mine.stderr.contains("replaces the built-in report still-reporting"))
            #expect(mine.stdout.contains("(replaces the built-in report still-reporting)"))
            let wrong = try await CLIRunner.run(["tenant", "set", "--db", db, "default", "licenses.clients", "many"])
            #expect(wrong.status == 1)
            #expect(wrong.stderr == "error: licenses.clients must be a whole number from 0 to 100000000, not 'many'\n")
            let broken = try await CLIRunner.run(["report", "broken", "--db", db, "--reports", dir.path])
            #expect(broken.status == 1)
            #expect(broken.stderr == "error: \(dir.appendingPathComponent("broken.sql").path): no such column: nope\n")
        }
    }

    @Test func failOnFindingsMonthAndOutFile() async throws {
        let scratch = try TemporaryFolder()
        try await withSimulator(ReportScenario.configuration) { sim in
            let db = try await ReportScenario.build(in: scratch, sim)
            let out = scratch.path("november.html")
            let result = try await CLIRunner.run(
                [
                    "report", "license-compliance", "--db", db, "--month", "2026-10", "--format", "html", "--out", out,
                    "--fail-on-findings", "--allow-partial",
                ])
            // The scenario's last run is on 2026-10-27: the month's end is after it, so the report is partial.
            #expect(result.status == 2, "\(result.stderr)")
            #expect(result.stdout.contains("as of 2026-10-31T23:59:59Z"))
            let attributes = try FileManager.default.attributesOfItem(atPath: out)
            #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
            let html = try String(contentsOfFile: out, encoding: .utf8)
            #expect(html.contains("<dt>As of</dt><dd>2026-10-31T23:59:59Z</dd>"))
            #expect(html.contains("<svg"))
            #expect(html.contains("<dt>Partial</dt><dd class=\"partial\">partial: 2026-10-31T23:59:59Z is after"))
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: scratch.url.path)
            #expect(!leftovers.contains { $0.hasSuffix(".tmp") })
            let clean = try await CLIRunner.run(
                ["report", "still-reporting", "--db", db, "--as-of", "2026-09-13", "--fail-on-findings"])
            #expect(clean.status == 0, "\(clean.stderr)")
            let excel = try await CLIRunner.run(["report", "sync-health", "--db", db, "--format", "csv", "--excel"])
            #expect(excel.stdout.hasPrefix("\u{FEFF}tenant_name,run,kind,status,finding,observed_at,"))
            let bad = try await CLIRunner.run(["report", "sync-health", "--db", db, "--month", "2026-13"])
            #expect(bad.status == 64)
        }
    }
}
