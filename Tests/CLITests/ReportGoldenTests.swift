import Foundation
import MDESimulator
import MDETestSupport
import Testing

/// One fixed story every report test reads: a seeded simulator tenant synced four times on the virtual clock
/// (2026-09-14 to 2026-10-27: imports refuse times in the future), a fixed retirement list, licence
/// entitlements, and one imported device whose name is hostile.
enum ReportScenario {
    static let start = Date(timeIntervalSince1970: 1_789_376_400)  // 2026-09-14T09:00:00Z
    static let hostileID = "feedfacefeedfacefeedfacefeedfacefeedface"
    static let hostileName = "=HYPERLINK(\"http://x\",\"y\") a|b <script>alert(1)</script>\nline2 `tick` 日本語端末"

    /// Builds the ledger in `folder` (as `l.sqlite`) and returns its path. `extra` runs after the last sync.
    static func build(in folder: TemporaryFolder, _ sim: RunningSimulator) async throws -> String {
        let db = folder.path("l.sqlite")
        try await expectOK(["sync", "--db", db, "--no-progress"], sim)
        let hostile = folder.path("hostile.json")
        let machine: [String: Any] = [
            "id": hostileID, "computerDnsName": hostileName, "osPlatform": "Windows11",
            "onboardingStatus": "Onboarded", "healthStatus": "Active", "lastSeen": "2026-09-14T08:00:00Z",
            "firstSeen": "2026-01-05T08:00:00Z",
        ]
        try JSONSerialization.data(withJSONObject: ["value": [machine]]).write(to: URL(fileURLWithPath: hostile))
        try await expectOK(["import", "machines", "--db", db, "--observed-at", "2026-09-14T09:30:00Z", hostile], sim)
        let ids = try await CLIRunner.run(
            ["devices", "--db", db, "--state", "active", "--format", "json"], environment: clock)
        let devices = try JSONSerialization.jsonObject(with: Data(ids.stdout.utf8)) as? [[String: Any]] ?? []
        let active = devices.compactMap { $0["id"] as? String }
        let retired = folder.path("retired.csv")
        var list = "device,retired_on,note\n\(hostileID),2026-09-01,=cmd|' /C calc'!A0\n"
        for id in active.filter({ $0 != hostileID }).prefix(3) { list += "\(id),2026-09-10,asset list September\n" }
        try list.write(toFile: retired, atomically: true, encoding: .utf8)
        try await expectOK(["import", "retired", "--db", db, retired], sim)
        // Licences bought before the simulated months: settings apply to as-of times from their effective date.
        for (key, value) in [("licenses.clients", "40"), ("licenses.servers", "3")] {
            try await expectOK(["tenant", "set", "--db", db, "default", key, value, "--effective", "2026-01-01"], sim)
        }
        for days in [3.0, 25, 15] {
            sim.simulator.advanceClock(by: days * 86_400)
            try await expectOK(["sync", "--db", db, "--no-progress"], sim)
        }
        return db
    }

    static let configuration = SimulatorConfiguration(seed: 8, devices: 60, start: start)

    /// The ledger's clock for the whole story (`MDE_LEDGER_TEST_CLOCK`): after every virtual time in it, as the
    /// real clock is, and fixed, so the same story always has the same event hashes.
    static let clock = ["MDE_LEDGER_TEST_CLOCK": "2026-12-01T00:00:00Z"]

    static func expectOK(_ args: [String], _ sim: RunningSimulator) async throws {
        let result = try await CLIRunner.run(args, environment: sim.environment.merging(clock) { _, new in new })
        try #require(result.status == 0, "\(args.joined(separator: " ")): \(result.stderr)")
    }

    static let reports = [
        "license-compliance", "still-reporting", "offboard-backlog", "offboard-history", "retention-calendar",
        "monthly-trend", "sync-health", "finding-changes",
    ]

    /// The scenario's last run: `sync-health` answers as of now without `--as-of`, so it is given this time.
    static let lastRun = "2026-10-27T09:00:00Z"

    /// The arguments that pin a report to the scenario's last run when its default is another time.
    static func pinned(_ report: String) -> [String] {
        report == "sync-health" ? ["--as-of", lastRun] : []
    }

    /// Replaces what differs between runs of the same story: the tool's version, and event hashes — each sync
    /// records the simulator's URL, whose port is new every time (`EventReproducibilityTests` pins the hashes of
    /// a story without one). Times are pinned: the ledger's clock is `clock`, the simulator's is virtual.
    static func masked(_ text: String) -> String {
        text.replacing(/[0-9a-f]{64}/, with: "<hash>")
            .replacing(/by mde-ledger [^ ,]+/, with: "by mde-ledger <version>")
            .replacing(/"version" : "[^"]*"/, with: "\"version\" : \"<version>\"")
    }
}

/// Every report in every format over the fixed story, against `Tests/Golden/reports/` (`NAME.FORMAT`, and
/// `NAME.ja.md` / `NAME.ja.html` in Japanese with Asia/Tokyo times). `make golden` sets MDE_LEDGER_RECORD_GOLDEN=1
/// to re-record them instead.
@Suite struct ReportGoldenTests {
    static let folder = TestFiles.repositoryRoot.appendingPathComponent("Tests/Golden/reports")
    static let recording = ProcessInfo.processInfo.environment["MDE_LEDGER_RECORD_GOLDEN"] == "1"

    @Test func everyReportInEveryFormatMatchesItsGoldenFile() async throws {
        let scratch = try TemporaryFolder()
        try await withSimulator(ReportScenario.configuration) { sim in
            let db = try await ReportScenario.build(in: scratch, sim)
            // English and UTC in every format; the human formats also in Japanese with Tokyo's times and months.
            let variants =
                ["csv", "md", "json", "html"].map { ($0, [String](), "") }
                + ["md", "html"].map { ($0, ["--lang", "ja", "--tz", "Asia/Tokyo"], "ja.") }
            for report in ReportScenario.reports {
                for (format, options, infix) in variants {
                    let result = try await CLIRunner.run(
                        ["report", report, "--db", db, "--format", format] + options + ReportScenario.pinned(report),
                        environment: ReportScenario.clock)
                    #expect(result.status == 0, "\(report) \(format): \(result.stderr)")
                    let golden = Self.folder.appendingPathComponent("\(report).\(infix)\(format)")
                    let text = ReportScenario.masked(result.stdout)
                    if Self.recording {
                        try FileManager.default.createDirectory(at: Self.folder, withIntermediateDirectories: true)
                        try text.write(to: golden, atomically: true, encoding: .utf8)
                        continue
                    }
                    let expected = try? String(contentsOf: golden, encoding: .utf8)
                    #expect(expected != nil, "missing \(golden.path); run 'make golden'")
                    #expect(
                        text == expected,
                        "\(report).\(format) differs from its golden file; run 'make golden' if intended")
                }
            }
        }
    }
}
