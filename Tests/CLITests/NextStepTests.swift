import Foundation
import GRDB
import MDESimulator
import MDETestSupport
import Testing

/// Issue 21: each finding says what to do next on its platform's route — the offboard API for Windows, the
/// portal's script for macOS and Linux, the app and profile for mobile devices — in `offboard-backlog` and in
/// `status`; an offboarded device that still reports is in the backlog too.
@Suite struct NextStepTests {
    typealias JSONRow = [String: Any]

    @Test func theBacklogNamesTheNextStepPerPlatform() async throws {
        let folder = try TemporaryFolder()
        let db = folder.path("l.sqlite")
        let configuration = SimulatorConfiguration(devices: 300, rateLimits: .unlimited, reonboardFraction: 0)
        try await withSimulator(configuration) { sim in
            let env = sim.environment
            let sync = ["sync", "--no-progress", "--no-graph", "--db", db]
            #expect(try await CLIRunner.run(sync, environment: env).status == 0)
            let list = try await CLIRunner.run(["devices", "--db", db, "--state", "active", "--format", "json"])
            let devices = try #require(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [JSONRow])
            func first(_ platform: (String) -> Bool) throws -> String {
                try #require(
                    devices.filter { platform($0["osPlatform"] as? String ?? "") }.compactMap { $0["id"] as? String }
                        .sorted().first)
            }
            let windows = try first { $0.hasPrefix("Windows1") }
            let mac = try first { $0 == "macOS" }
            let phone = try first { ["iOS", "Android"].contains($0) }
            let reporting = devices.filter { ($0["osPlatform"] as? String ?? "").hasPrefix("Windows1") }
                .compactMap { $0["id"] as? String }.sorted()
            // Offboarded, and keeps reporting (a re-onboarding policy).
            let keeper = try #require(reporting.dropFirst().first)

            let csv = folder.path("retired.csv")
            try "device,retired_on\n\(windows),2026-10-01\n\(mac),2026-10-01\n\(phone),2026-10-01\n".write(
                toFile: csv, atomically: true, encoding: .utf8)
            #expect(try await CLIRunner.run(["import", "retired", csv, "--db", db]).status == 0)
            sim.simulator.setKeepsReporting(keeper)
            let offboard = try await CLIRunner.run(
                [
                    "offboard", "--device", keeper, "--comment", "CHG-1", "--yes", "--requested-by", "alice",
                    "--no-progress", "--db", db,
                ], environment: env)
            #expect(offboard.status == 0, "\(offboard.stdout)\(offboard.stderr)")
            sim.simulator.advanceClock(by: 3 * 86_400)
            #expect(try await CLIRunner.run(sync, environment: env).status == 0)

            let report = try await CLIRunner.run(["report", "offboard-backlog", "--db", db, "--format", "json"])
            #expect(report.status == 0, "\(report.stderr)")
            let json = try #require(try JSONSerialization.jsonObject(with: Data(report.stdout.utf8)) as? JSONRow)
            let rows = try #require(json["rows"] as? [JSONRow])
            func row(_ id: String) -> JSONRow? { rows.first { $0["machine_id"] as? String == id } }
            #expect(row(windows)?["offboard_route"] as? String == "api")
            #expect(
                row(windows)?["next_step"] as? String
                    == "offboard it: mde-ledger offboard --device \(windows) --comment TEXT")
            #expect(row(mac)?["offboard_route"] as? String == "script")
            #expect((row(mac)?["next_step"] as? String)?.contains("offboarding script for macOS") == true)
            #expect(row(phone)?["offboard_route"] as? String == "mobile")
            #expect((row(phone)?["next_step"] as? String)?.contains("remove the Defender app") == true)
            #expect(row(keeper)?["state"] as? String == "offboarded-still-reporting", "\(rows.map { $0["state"]! })")
            #expect((row(keeper)?["next_step"] as? String)?.contains("take it out of the onboarding policy") == true)

            let status = try await CLIRunner.run(["status", windows, "--db", db])
            #expect(
                status.stdout.contains("next step: offboard it: mde-ledger offboard --device \(windows)"),
                "\(status.stdout)")
            let healthy = try #require(reporting.dropFirst(2).first)
            let calm = try await CLIRunner.run(["status", healthy, "--db", db])
            #expect(!calm.stdout.contains("next step:"), "\(calm.stdout)")
        }
    }
}
