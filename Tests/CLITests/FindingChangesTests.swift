import Foundation
import MDESimulator
import MDETestSupport
import Testing

/// Issue 21: "nine findings vanished between two months without a word". `report finding-changes` lists the
/// findings opened since the previous month end, those closed and why, and those still open with their age; the
/// sets are recomputed here from `devices --as-of` at both times.
@Suite struct FindingChangesTests {
    typealias JSONRow = [String: Any]

    static func json(_ text: String) throws -> Any { try JSONSerialization.jsonObject(with: Data(text.utf8)) }

    /// The ids of the devices that are findings, as `devices` answers at a time (nil: the latest run).
    static func findings(_ db: String, asOf: String?) async throws -> Set<String> {
        let result = try await CLIRunner.run(
            ["devices", "--db", db, "--format", "json"] + (asOf.map { ["--as-of", $0] } ?? []))
        let rows = try #require(try json(result.stdout) as? [JSONRow])
        return Set(rows.filter { $0["finding"] as? Bool == true }.compactMap { $0["id"] as? String })
    }

    @Test func openedClosedAndStillOpenAgreeWithTheDeviceListsAtBothTimes() async throws {
        let folder = try TemporaryFolder()
        let db = folder.path("l.sqlite")
        let configuration = SimulatorConfiguration(devices: 200, rateLimits: .unlimited, reonboardFraction: 0)
        try await withSimulator(configuration) { sim in
            let env = sim.environment
            let sync = ["sync", "--no-progress", "--no-graph", "--db", db]
            func syncNow() async throws { #expect(try await CLIRunner.run(sync, environment: env).status == 0) }
            try await syncNow()
            let list = try await CLIRunner.run(["devices", "--db", db, "--state", "active", "--format", "json"])
            let windows = try #require(try Self.json(list.stdout) as? [JSONRow])
                .filter { ($0["osPlatform"] as? String ?? "").hasPrefix("Windows1") }.compactMap { $0["id"] as? String }
                .sorted()
            try #require(windows.count >= 4)
            let (offboarded, standing, late) = (windows[0], windows[1], windows[2])
            func retire(_ ids: [String], on day: String) async throws {
                let csv = folder.path("retired-\(day).csv")
                try ("device,retired_on\n" + ids.map { "\($0),\(day)\n" }.joined()).write(
                    toFile: csv, atomically: true, encoding: .utf8)
                #expect(try await CLIRunner.run(["import", "retired", csv, "--db", db]).status == 0)
            }
            try await retire([offboarded, standing], on: "2026-10-01")
            // Synced up to the end of November, so the month end is covered.
            sim.simulator.advanceClock(to: try #require(ISO8601DateFormatter().date(from: "2026-11-29T09:00:00Z")))
            try await syncNow()
            // December: one retired device is offboarded, another device is retired.
            sim.simulator.advanceClock(to: try #require(ISO8601DateFormatter().date(from: "2026-12-02T09:00:00Z")))
            let offboard = try await CLIRunner.run(
                [
                    "offboard", "--device", offboarded, "--comment", "CHG-2", "--yes", "--requested-by", "alice",
                    "--no-progress", "--db", db,
                ], environment: env)
            #expect(offboard.status == 0, "\(offboard.stderr)")
            try await retire([late], on: "2026-12-01")
            sim.simulator.advanceClock(by: 2 * 86_400)
            try await syncNow()

            let report = try await CLIRunner.run(["report", "finding-changes", "--db", db, "--format", "json"])
            #expect(report.status == 0, "\(report.stderr)")
            let answer = try #require(try Self.json(report.stdout) as? JSONRow)
            #expect(answer["asOfTimes"] as? [String] == ["2026-11-30T23:59:59Z"])
            let rows = try #require(answer["rows"] as? [JSONRow])
            func ids(_ change: String) -> Set<String> {
                Set(rows.filter { $0["change"] as? String == change }.compactMap { $0["machine_id"] as? String })
            }
            let asOf = try #require(answer["asOf"] as? String)
            let before = try await Self.findings(db, asOf: "2026-11-30T23:59:59Z")
            let now = try await Self.findings(db, asOf: asOf)
            #expect(ids("opened") == now.subtracting(before))
            #expect(ids("closed") == before.subtracting(now))
            #expect(ids("still open") == now.intersection(before))
            #expect(ids("opened").contains(late) && ids("still open").contains(standing))
            #expect(ids("closed").contains(offboarded))

            let closed = try #require(rows.first { $0["machine_id"] as? String == offboarded })
            let why = closed["why"] as? String ?? ""
            #expect(why == "offboarded" || why.hasPrefix("offboard requested"), "\(closed)")
            let open = try #require(
                rows.first { $0["machine_id"] as? String == standing && $0["change"] as? String == "still open" })
            // Retired on 2026-10-01: its age is counted from the retirement.
            let days = Int(
                try #require(ISO8601DateFormatter().date(from: asOf)).timeIntervalSince(
                    try #require(ISO8601DateFormatter().date(from: "2026-10-01T00:00:00Z"))) / 86_400)
            #expect(open["age_days"] as? Int == days, "\(open)")
        }
    }
}
