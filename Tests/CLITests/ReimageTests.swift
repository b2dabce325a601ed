import Foundation
import GRDB
import MDESimulator
import MDETestSupport
import Testing

/// Issue 20: MDE gives a re-imaged device a new id and keeps the old one listed. `mergedIntoMachineId` and a shared
/// Entra device id tie the ids of one physical device: the licence report counts it once, `status` names the other
/// ids and where the telemetry went on, and a retirement of the old id covers the new one.
@Suite struct ReimageTests {
    typealias JSONRow = [String: Any]

    /// Active Windows clients with an Entra device id, from the ledger, in id order.
    static func activeClients(_ db: String) async throws -> [String] {
        let list = try await CLIRunner.run(["devices", "--db", db, "--state", "active", "--format", "json"])
        #expect(list.status == 0, "\(list.stderr)")
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [JSONRow])
        return rows.filter {
            ($0["osPlatform"] as? String ?? "").hasPrefix("Windows1") && !($0["aadDeviceId"] as? String ?? "").isEmpty
        }.compactMap { $0["id"] as? String }.sorted()
    }

    static func licenceRow(_ db: String) async throws -> JSONRow {
        let report = try await CLIRunner.run(["report", "license-compliance", "--db", db, "--format", "json"])
        #expect(report.status == 0, "\(report.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(report.stdout.utf8)) as? JSONRow)
        let rows = try #require(json["rows"] as? [JSONRow])
        return try #require(rows.first { $0["section"] as? String == "licences" && $0["item"] as? String == "clients" })
    }

    @Test func aMergedReimageIsOneDeviceInTheReportAndInStatus() async throws {
        let folder = try TemporaryFolder()
        let db = folder.path("l.sqlite")
        try await withSimulator(SimulatorConfiguration(devices: 60, rateLimits: .unlimited)) { sim in
            let sync = ["sync", "--no-progress", "--no-graph", "--db", db]
            #expect(try await CLIRunner.run(sync, environment: sim.environment).status == 0)
            let old = try #require(try await Self.activeClients(db).first)
            let before = try await Self.licenceRow(db)
            let folded = try #require(before["ids"] as? Int) - (try #require(before["devices"] as? Int))

            let new = try #require(sim.simulator.reimage(old, merge: true))
            sim.simulator.advanceClock(by: 3_600)
            let second = try await CLIRunner.run(sync, environment: sim.environment)
            #expect(second.status == 0, "\(second.stderr)")

            // Both ids are within the licence window; the physical device is counted once.
            let after = try await Self.licenceRow(db)
            let ids = try #require(after["ids"] as? Int)
            let devices = try #require(after["devices"] as? Int)
            #expect(ids - devices == folded + 1, "before \(before), after \(after)")

            let status = try await CLIRunner.run(["status", old, "--db", db])
            #expect(status.status == 0, "\(status.stderr)")
            #expect(status.stdout.contains("physical: one device under 2 MDE ids"), "\(status.stdout)")
            #expect(status.stdout.contains("\(new) represents it"), "\(status.stdout)")
            #expect(status.stdout.contains("this id was merged into it"), "\(status.stdout)")
            #expect(status.stdout.contains("the same physical device reports as \(new)"), "\(status.stdout)")
            let newer = try await CLIRunner.run(["status", new, "--db", db])
            #expect(newer.stdout.contains("this id represents it"), "\(newer.stdout)")
            #expect(newer.stdout.contains("merged into this id"), "\(newer.stdout)")
            #expect(!newer.stdout.contains("the same physical device reports as"), "\(newer.stdout)")

            // As of the first run, before the re-image was known, the old id stands alone.
            let runs = try await DatabaseQueue(path: db).read {
                try String.fetchAll($0, sql: "SELECT observed_at FROM sync_runs WHERE status = 'committed' ORDER BY id")
            }
            let earlier = try await CLIRunner.run(["status", old, "--db", db, "--as-of", runs[0]])
            #expect(!earlier.stdout.contains("physical:"), "\(earlier.stdout)")
            #expect(try await CLIRunner.run(["verify", "--db", db]).status == 0)
        }
    }

    @Test func aRetirementCoversTheSuccessorThatKeptTheEntraIdButNotThePredecessor() async throws {
        let folder = try TemporaryFolder()
        let db = folder.path("l.sqlite")
        try await withSimulator(SimulatorConfiguration(devices: 60, rateLimits: .unlimited)) { sim in
            let sync = ["sync", "--no-progress", "--no-graph", "--db", db]
            #expect(try await CLIRunner.run(sync, environment: sim.environment).status == 0)
            let clients = try await Self.activeClients(db)
            try #require(clients.count >= 2)
            let (old, other) = (clients[0], clients[1])
            // Autopilot reset: the same Entra registration under a new MDE id, no merge.
            let new = try #require(sim.simulator.reimage(old, merge: false, keepingEntraDeviceId: true))
            let otherNew = try #require(sim.simulator.reimage(other, merge: true))
            sim.simulator.advanceClock(by: 86_400)
            #expect(try await CLIRunner.run(sync, environment: sim.environment).status == 0)

            // The old id is retired; the successor that kept its Entra id is covered. The other device's new id is
            // retired; its predecessor is not.
            let day = try await DatabaseQueue(path: db).read {
                try String.fetchOne($0, sql: "SELECT substr(max(observed_at), 1, 10) FROM sync_runs")!
            }
            let list = folder.path("retired.csv")
            try "device,retired_on\n\(old),\(day)\n\(otherNew),\(day)\n".write(
                toFile: list, atomically: true, encoding: .utf8)
            let imported = try await CLIRunner.run(["import", "retired", list, "--db", db])
            #expect(imported.status == 0, "\(imported.stderr)")

            let status = try await CLIRunner.run(["status", new, "--db", db])
            #expect(status.stdout.contains("(as its earlier id \(old))"), "\(status.stdout)")
            #expect(status.stdout.contains("retired as its earlier id \(old)"), "\(status.stdout)")
            let predecessor = try await CLIRunner.run(["status", other, "--db", db])
            let state = predecessor.stdout.split(separator: "\n").first { $0.hasPrefix("state:") }
            #expect(state?.contains("retired") == false, "\(predecessor.stdout)")
            #expect(predecessor.stdout.contains("the same physical device reports as \(otherNew)"))

            let plan = try await CLIRunner.run(
                ["offboard", "--retired", "--comment", "CHG-1", "--dry-run", "--requested-by", "alice", "--db", db],
                environment: sim.environment)
            #expect(plan.status == 0, "\(plan.stdout)\(plan.stderr)")
            #expect(plan.stdout.contains(new) && plan.stdout.contains("as its earlier id \(old)"), "\(plan.stdout)")
            #expect(!plan.stdout.contains(other), "\(plan.stdout)")
        }
    }
}
