import Foundation
import MDETestSupport
import Testing

@testable import MDELedger

/// Two tenants in one ledger judge the same history by their own thresholds.
@Suite struct TenantLifecycleTests {
    @Test func eachTenantUsesItsOwnThresholds() async throws {
        let folder = try TemporaryFolder()
        let ledger = try Ledger.open(path: folder.path("l.sqlite"), create: true)
        _ = try ledger.addTenant(NewTenant(name: "contoso"))
        _ = try ledger.addTenant(NewTenant(name: "fabrikam", settings: ["stale_hours": "12", "retention_days": "30"]))
        // The same two devices in both tenants: one last seen 20 hours ago, one 40 days ago.
        let machines = [
            try LedgerFixtures.machine(String(repeating: "1", count: 40), lastSeen: "2026-10-31T13:00:00Z"),
            try LedgerFixtures.machine(
                String(repeating: "2", count: 40), name: "ws-2", lastSeen: "2026-09-22T09:00:00Z"),
        ]
        for tenant in ["contoso", "fabrikam"] {
            try await LedgerFixtures.commit(
                ledger, machines: machines, observedAt: "2026-11-01T09:00:00Z", tenant: tenant)
        }
        let rows = try ledger.deviceStates(tenant: nil, asOf: nil)
        let states = rows.map { "\($0.tenant) \($0.computerDnsName ?? "") \($0.state.rawValue)" }
        #expect(
            states == [
                "contoso ws-0001.contoso.com active", "contoso ws-2 inactive",
                "fabrikam ws-0001.contoso.com stale", "fabrikam ws-2 retention-expired",
            ])
        let fabrikam = try ledger.resolveTenant(TenantSelection(name: "fabrikam"), create: false)
        #expect(try ledger.policy(for: fabrikam).staleHours == 12)
        let header = try ledger.describeScope(tenant: nil, asOf: nil, count: rows.count)
        #expect(header.contains("tenant contoso as of 2026-11-01T09:00:00Z (offboard grace 24 h, stale 48 h"))
        #expect(header.contains("tenant fabrikam as of 2026-11-01T09:00:00Z (offboard grace 24 h, stale 12 h"))
        let csv = try DeviceListOutput.render(rows, format: .csv, withTenant: true)
        #expect(
            csv.hasPrefix(
                "tenant,id,computerDnsName,state,finding,lastSeen,asOf,offboardGraceHours,staleHours,inactiveDays,"
                    + "retentionDays,removalDays\n"))
        // Each tenant's rows state its own thresholds.
        #expect(csv.contains(",2026-11-01T09:00:00Z,24,12,7,30,180\n"))
        #expect(try ledger.deviceStates(tenant: fabrikam, asOf: nil).count == 2)
        #expect(throws: LedgerError.self) { try ledger.resolveTenant(TenantSelection(), create: false) }
    }

    @Test func csvCellsThatLookLikeFormulasAreDefused() throws {
        let csv = try CSVOutput.render(
            header: ["name"], rows: [["=cmd|' /C calc'!A0"], ["+1"], ["-2"], ["@x"], ["ok, \"quoted\""]])
        #expect(csv == "name\n'=cmd|' /C calc'!A0\n'+1\n'-2\n'@x\n\"ok, \"\"quoted\"\"\"\n")
    }
}
