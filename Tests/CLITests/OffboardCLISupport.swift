import Foundation
import GRDB
import MDESimulator
import MDETestSupport

/// A synced ledger made through the binary, for the offboard and tag command tests.
struct OffboardCLIFixture {
    let sim: RunningSimulator
    let folder: TemporaryFolder
    var db: String { folder.path("l.sqlite") }
    var env: [String: String] { sim.environment.merging(["USER": "alice"]) { _, new in new } }

    static func configuration(devices: Int, secret: String = "sim-secret") -> SimulatorConfiguration {
        SimulatorConfiguration(devices: devices, clientSecret: secret, rateLimits: .unlimited, reonboardFraction: 0)
    }

    static func make(_ sim: RunningSimulator, _ folder: TemporaryFolder) async throws -> OffboardCLIFixture {
        let f = OffboardCLIFixture(sim: sim, folder: folder)
        let sync = try await f.run(["sync", "--no-progress"])
        precondition(sync.status == 0, "sync failed: \(sync.stderr)")
        return f
    }

    /// `mde-ledger args… --db <ledger>` with the simulator's credentials and `USER=alice`.
    func run(_ args: [String], extra: [String: String] = [:]) async throws -> CLIResult {
        try await CLIRunner.run(args + ["--db", db], environment: env.merging(extra) { _, new in new })
    }

    /// Device ids from the ledger's lifecycle view matching a condition, by id.
    func ids(where condition: String, limit: Int) throws -> [String] {
        try DatabaseQueue(path: db).read { db in
            try String.fetchAll(
                db, sql: "SELECT machine_id FROM device_states WHERE \(condition) ORDER BY machine_id LIMIT ?",
                arguments: [limit])
        }
    }

    /// Devices the API can offboard, each its physical device's only id: a re-imaged device's retirement would
    /// cover its successor too (issue 20), which these tests do not count.
    func offboardable(_ count: Int) throws -> [String] {
        let ids = try ids(
            where: """
                os_platform LIKE 'Windows%' AND onboarding_status = 'Onboarded' AND offboard_action IS NULL
                AND state IN ('active', 'stale', 'inactive')
                AND merged_into_machine_id IS NULL AND lower(machine_id) NOT IN (
                    SELECT lower(merged_into_machine_id) FROM machines WHERE merged_into_machine_id <> '')
                """, limit: count)
        precondition(ids.count == count, "the tenant has only \(ids.count) offboardable devices")
        return ids
    }

    /// Retires the devices on 2026-10-01 with `import retired`.
    func retire(_ ids: [String]) async throws {
        let path = folder.path("retired.csv")
        try ("device,retired_on\n" + ids.map { "\($0),2026-10-01\n" }.joined()).write(
            toFile: path, atomically: true, encoding: .utf8)
        let result = try await run(["import", "retired", path])
        precondition(result.status == 0, "import retired failed: \(result.stderr)")
    }

    func write(_ name: String, _ text: String) throws -> String {
        let path = folder.path(name)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}
