import Foundation
import GRDB
import GraphAPI
import MDESimulator
import MDETestSupport
import Testing

/// Issue 20: what Graph shows lands as append-only history beside the MDE observations — written on change only,
/// covered by run digests and `verify` — and Entra's deletions (counted) and disabled devices (reported, counted
/// only when the tenant says so) become retirement facts.
@Suite struct GraphHistoryTests {
    private func graphClient(_ sim: RunningSimulator) throws -> GraphClient {
        GraphClient(
            endpoints: try GraphEndpoints(baseURL: sim.baseURL, tokenURL: sim.tokenURL),
            credentials: ClientCredentials(
                tenantId: sim.simulator.configuration.tenantId, clientId: "sim-client", clientSecret: "sim-secret"),
            clock: .immediate())
    }

    private func count(_ db: String, _ sql: String, _ arguments: StatementArguments = []) throws -> Int {
        try DatabaseQueue(path: db).read { try Int.fetchOne($0, sql: sql, arguments: arguments) ?? -1 }
    }

    @Test func graphListingsAreHistoryWrittenOnChangeOnly() async throws {
        let folder = try TemporaryFolder()
        let db = folder.path("l.sqlite")
        try await withSimulator(SimulatorConfiguration(devices: 200, rateLimits: .unlimited)) { sim in
            // No --graph: it is on by default, and the simulator (on loopback) serves Graph too.
            let first = try await CLIRunner.run(["sync", "--no-progress", "--db", db], environment: sim.environment)
            #expect(first.status == 0, "\(first.stderr)")
            #expect(first.stdout.contains("graph run 2 committed"), "\(first.stdout)")
            let graph = try graphClient(sim)
            let entra = try await graph.entraDevices().items.count
            let intune = try await graph.managedDevices().items.count
            let skus = try await graph.subscribedSkus().items.count
            let users = try await graph.users().items.count
            for (source, expected) in [("entra", entra), ("intune", intune), ("sku", skus), ("user", users)] {
                #expect(expected > 0)
                #expect(
                    try count(db, "SELECT count(*) FROM source_observations WHERE source = ? AND present = 1", [source])
                        == expected, "\(source)")
            }
            // Nothing changed in Graph: the next sync writes no Graph rows at all.
            let again = try await CLIRunner.run(["sync", "--no-progress", "--db", db], environment: sim.environment)
            #expect(again.status == 0, "\(again.stderr)")
            #expect(try count(db, "SELECT count(*) FROM source_observations WHERE run > 2") == 0, "\(again.stdout)")
            #expect(again.stdout.contains("\(entra) Entra devices (0 new or changed, 0 gone)"), "\(again.stdout)")
            let verify = try await CLIRunner.run(["verify", "--db", db])
            #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
            // Editing what Graph showed is caught by the run's digest.
            try await DatabaseQueue(path: db).write { db in
                try db.execute(sql: "DROP TRIGGER source_observations_no_update")
                try db.execute(sql: "UPDATE source_observations SET present = 0 WHERE seq = 1")
            }
            let tampered = try await CLIRunner.run(["verify", "--db", db])
            #expect(tampered.status != 0)
            #expect(
                (tampered.stdout + tampered.stderr).contains("history of run 2 was altered"),
                "\(tampered.stdout)\(tampered.stderr)")
        }
    }

    @Test func anEntraDeletionRetiresTheMachineAndADisabledDeviceCountsOnlyWhenTheTenantSaysSo() async throws {
        let folder = try TemporaryFolder()
        let db = folder.path("l.sqlite")
        try await withSimulator(SimulatorConfiguration(devices: 400, rateLimits: .unlimited)) { sim in
            let env = sim.environment
            let first = try await CLIRunner.run(["sync", "--no-progress", "--db", db], environment: env)
            #expect(first.status == 0, "\(first.stderr)")
            // Day by day until a device the ledger saw leaves Entra's list (deleted there; MDE keeps it).
            let graph = try graphClient(sim)
            let before = try await graph.entraDevices().items
            var deleted: EntraDevice?
            for _ in 1...200 where deleted == nil {
                sim.simulator.advanceClock(by: 86_400)
                let now = Set(try await graph.entraDevices().items.map(\.id))
                deleted = before.first { !now.contains($0.id) && $0.deviceId != nil }
            }
            let gone = try #require(deleted, "no Entra deletion in 200 days")
            let sync = try await CLIRunner.run(["sync", "--no-progress", "--db", db], environment: env)
            #expect(sync.status == 0, "\(sync.stderr)")
            #expect(
                try count(
                    db,
                    "SELECT count(*) FROM source_observations WHERE source = 'entra' AND object_id = ? AND present = 0",
                    [gone.id]) == 1)
            let retired = try await DatabaseQueue(path: db).read {
                try Row.fetchAll(
                    $0,
                    sql: """
                        SELECT r.machine_id, r.note, r.matched_by FROM retirements r
                        WHERE r.source = ?
                        """, arguments: ["entra:\(gone.id)"])
            }
            let machines = try count(
                db, "SELECT count(*) FROM machines WHERE lower(aad_device_id) = lower(?)", [gone.deviceId!])
            #expect(retired.count == machines, "\(sync.stdout)")
            for row in retired {
                #expect((row["note"] as String).contains("deleted: no longer in Entra's device list"))
                #expect(row["matched_by"] as String == "aad_device_id")
            }
            // Disabled devices are shown and not counted by default …
            let disabledShown = try count(
                db,
                """
                SELECT count(*) FROM source_observations o JOIN raw_documents d ON d.id = o.document
                WHERE o.source = 'entra' AND d.body ->> '$.accountEnabled' = 0 AND o.join_key IS NOT NULL
                  AND o.seq = (SELECT max(seq) FROM source_observations x WHERE x.object_id = o.object_id)
                """)
            try #require(disabledShown > 0, "the simulated tenant has no disabled Entra device")
            #expect(sync.stdout.contains("\(disabledShown) entra-disable (not counted)"), "\(sync.stdout)")
            #expect(try count(db, "SELECT count(*) FROM retirements WHERE note LIKE '%accountEnabled false%'") == 0)
            // … and counted once the tenant says so.
            let set = try await CLIRunner.run(
                [
                    "tenant", "set", "default", "retirement_sources",
                    "intune-retire,intune-wipe,entra-delete,entra-disable",
                    "--db", db,
                ])
            #expect(set.status == 0, "\(set.stderr)")
            let counted = try await CLIRunner.run(["sync", "--no-progress", "--db", db], environment: env)
            #expect(counted.status == 0, "\(counted.stderr)")
            #expect(try count(db, "SELECT count(*) FROM retirements WHERE note LIKE '%accountEnabled false%'") > 0)
            let bad = try await CLIRunner.run([
                "tenant", "set", "default", "retirement_sources", "entra-gone", "--db", db,
            ])
            #expect(bad.status != 0 && bad.stderr.contains("unknown retirement source 'entra-gone'"), "\(bad.stderr)")
            let verify = try await CLIRunner.run(["verify", "--db", db])
            #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
        }
    }

    @Test func aShortEntraListingNeverReadsAsDeletions() async throws {
        let folder = try TemporaryFolder()
        let db = folder.path("l.sqlite")
        try await withSimulator(SimulatorConfiguration(devices: 100, rateLimits: .unlimited)) { sim in
            let first = try await CLIRunner.run(["sync", "--no-progress", "--db", db], environment: sim.environment)
            #expect(first.status == 0, "\(first.stderr)")
            let rows = try count(db, "SELECT count(*) FROM source_observations")
            // By default a failed Graph step is a warning: the MDE run stands and the exit status is its own.
            sim.simulator.truncateNextGraphListing(path: "/devices", after: 10)
            let short = try await CLIRunner.run(["sync", "--no-progress", "--db", db], environment: sim.environment)
            #expect(short.status == 0, "\(short.stderr)")
            #expect(short.stderr.contains("warning: graph: nothing recorded from Graph:"), "\(short.stderr)")
            #expect(short.stderr.contains("@odata.count"), "\(short.stderr)")
            #expect(short.stdout.contains("sync run 3 committed"), "\(short.stdout)")
            // Asked for with --graph, it fails the sync (exit 1), after the MDE run committed.
            sim.simulator.truncateNextGraphListing(path: "/devices", after: 10)
            let asked = try await CLIRunner.run(
                ["sync", "--no-progress", "--graph", "--db", db], environment: sim.environment)
            #expect(asked.status == 1)
            #expect(asked.stdout.contains("sync run 4 committed"), "\(asked.stdout)")
            // Graph recorded nothing either time, least of all 90 deletions.
            #expect(try count(db, "SELECT count(*) FROM source_observations") == rows)
            #expect(try count(db, "SELECT count(*) FROM source_observations WHERE present = 0") == 0)
        }
    }
}
