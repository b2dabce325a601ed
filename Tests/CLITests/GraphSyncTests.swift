import Foundation
import GRDB
import GraphAPI
import MDESimulator
import MDETestSupport
import Testing

/// Issue 20: `sync --graph` sees a retirement in Intune itself — no CSV between — and records it as a retirement of
/// every MDE machine with the device's Entra id, with Intune's evidence; a device that keeps reporting to MDE after
/// it is then a finding.
@Suite struct GraphSyncTests {
    @Test func anIntuneRetirementBecomesARetirementWithItsEvidence() async throws {
        let folder = try TemporaryFolder()
        let db = folder.path("l.sqlite")
        try await withSimulator(SimulatorConfiguration(devices: 1_000, rateLimits: .unlimited)) { sim in
            let env = sim.environment.merging(["MDE_GRAPH_BASE_URL": sim.baseURL]) { _, new in new }
            let first = try await CLIRunner.run(["sync", "--no-progress", "--db", db, "--graph"], environment: env)
            #expect(first.status == 0, "\(first.stderr)")
            // Day by day on the simulator's clock until Intune shows a retire or wipe under way (the tenant is
            // seeded, so this is the same day every run); the client reads what the sync will read.
            let graph = GraphClient(
                endpoints: try GraphEndpoints(baseURL: sim.baseURL, tokenURL: sim.tokenURL),
                credentials: ClientCredentials(
                    tenantId: sim.simulator.configuration.tenantId, clientId: "sim-client", clientSecret: "sim-secret"),
                clock: .immediate())
            var retiring: IntuneManagedDevice?
            for _ in 1...240 where retiring == nil {
                sim.simulator.advanceClock(by: 86_400)
                retiring = try await graph.managedDevices(version: .beta).items.first {
                    ["retirePending", "retireIssued", "wipePending", "wipeIssued"].contains($0.managementState ?? "")
                }
            }
            let device = try #require(retiring, "no Intune retirement in 240 days")
            let sync = try await CLIRunner.run(["sync", "--no-progress", "--db", db, "--graph"], environment: env)
            #expect(sync.status == 0, "\(sync.stderr)")
            #expect(sync.stdout.contains("MDE devices newly retired"), "\(sync.stdout)")
            let rows = try await DatabaseQueue(path: db).read {
                try Row.fetchAll(
                    $0,
                    sql: """
                        SELECT r.machine_id, r.source, r.note, r.matched_by FROM retirements r
                        JOIN machines m ON m.tenant = r.tenant AND m.id = r.machine_id
                        WHERE lower(m.aad_device_id) = lower(?)
                        """, arguments: [device.azureADDeviceId])
            }
            #expect(!rows.isEmpty, "\(sync.stdout)")
            for row in rows {
                #expect(row["source"] as String == "intune:\(device.id)")
                #expect(row["matched_by"] as String == "aad_device_id")
                let note: String = row["note"]
                #expect(note.hasPrefix("Intune managementState \(device.managementState!)"), "\(note)")
                #expect(note.contains("audit event") && note.contains("ManagedDevice'"), "\(note)")
            }
            // The same state again records nothing new.
            let again = try await CLIRunner.run(["sync", "--no-progress", "--db", db, "--graph"], environment: env)
            #expect(again.stdout.contains(" 0 MDE devices newly retired"), "\(again.stdout)")
            let verify = try await CLIRunner.run(["verify", "--db", db])
            #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
            let machine = rows.first.map { $0["machine_id"] as String } ?? ""
            let status = try await CLIRunner.run(["status", machine, "--db", db])
            #expect(status.stdout.contains("intune:\(device.id)"), "\(status.stdout)")
            // Intune's own history of the device, from the ledger's Graph history: first read, then the retirement.
            #expect(
                status.stdout.contains("Intune managed device \(device.id) first read from Graph"), "\(status.stdout)")
            #expect(
                status.stdout.contains("Intune managed device \(device.id): managementState ")
                    && status.stdout.contains(" → \(device.managementState!)"), "\(status.stdout)")
        }
    }

    @Test func withoutTheGraphPermissionTheSyncSaysWhatItSkipped() async throws {
        let folder = try TemporaryFolder()
        var configuration = SimulatorConfiguration(devices: 5, rateLimits: .unlimited)
        configuration.graphPermissions = ["Device.Read.All"]
        try await withSimulator(configuration) { sim in
            let env = sim.environment.merging(["MDE_GRAPH_BASE_URL": sim.baseURL]) { _, new in new }
            let result = try await CLIRunner.run(
                ["sync", "--no-progress", "--db", folder.path("l.sqlite"), "--graph"], environment: env)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.contains("sync run 1 committed"))
            #expect(
                result.stderr.contains("warning: graph: Intune managed devices not read:")
                    && result.stderr.contains("DeviceManagementManagedDevices.Read.All"), "\(result.stderr)")
        }
    }
}
