import Foundation
import GRDB
import MDEAPI
import MDETestSupport
import Testing

@testable import MDELedger

@Suite struct RetirementImportTests {
    let a = String(repeating: "a", count: 40)
    let b = String(repeating: "b", count: 40)
    let c = String(repeating: "c", count: 40)

    /// Three machines: two share a name (a re-imaged laptop), one has an Entra device id.
    private func ledger(_ folder: TemporaryFolder) async throws -> Ledger {
        let ledger = try Ledger.open(path: folder.path("l.sqlite"), create: true)
        let withAad = try Machine(
            json: JSONValue.parse(
                """
                {"id":"\(c)","computerDnsName":"srv-01.contoso.com","aadDeviceId":"80fe8ff8-2624-418e-9591-41f0491218f9",
                 "lastSeen":"2026-11-01T08:00:00Z","onboardingStatus":"Onboarded"}
                """))
        try await LedgerFixtures.commit(
            ledger,
            machines: [
                try LedgerFixtures.machine(a, name: "ws-0042.contoso.com"),
                try LedgerFixtures.machine(b, name: "WS-0042.contoso.com"), withAad,
            ], observedAt: "2026-11-01T09:00:00Z")
        return ledger
    }

    private func write(_ folder: TemporaryFolder, _ text: String) throws -> String {
        let path = folder.path("retired.csv")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func idsAadIdsAndHostNamesMatch() async throws {
        let folder = try TemporaryFolder()
        let ledger = try await ledger(folder)
        let file = try write(
            folder,
            """
            Device,Retired On,Note
            \(a),2026-10-01,"returned, box 7"
            80FE8FF8-2624-418E-9591-41F0491218F9,2026-10-02T12:00:00Z,
            """)
        let summary = try ledger.importRetirements(path: file, tenant: TenantSelection())
        #expect(summary.recorded == 2)
        let rows = try await ledger.dbQueue.read { db in
            try Row.fetchAll(
                db, sql: "SELECT machine_id, retired_at, note, matched_by, source FROM retirements ORDER BY seq")
        }
        #expect(rows.map { $0[0] as String } == [a, c])
        #expect(rows.map { $0[1] as String } == ["2026-10-01T00:00:00Z", "2026-10-02T12:00:00Z"])
        #expect(rows[0][2] as String? == "returned, box 7")
        #expect(rows.map { $0[3] as String } == ["id", "aad_device_id"])
        #expect(rows[1][4] as String == "retired.csv:3")
        let again = try ledger.importRetirements(path: file, tenant: TenantSelection())
        #expect(again.recorded == 0 && again.unchanged == 2, "re-importing the same list records nothing")
        #expect(try ledger.verify().ok)
    }

    @Test func ambiguousNameIsRefusedWithCandidatesAndNothingIsImported() async throws {
        let folder = try TemporaryFolder()
        let ledger = try await ledger(folder)
        let file = try write(folder, "device,retired_on\nsrv-01,2026-10-01\nws-0042,2026-10-01\n")
        let before = try ledgerDump(ledger.path, excluding: ["sync_runs"])
        let error = #expect(throws: RetirementImportError.self) {
            try ledger.importRetirements(path: file, tenant: TenantSelection())
        }
        let text = error?.description ?? ""
        #expect(text.contains("line 3: 'ws-0042' matches 2 devices"))
        #expect(text.contains(a) && text.contains(b))
        #expect(text.contains("nothing changed"))
        #expect(try ledgerDump(ledger.path, excluding: ["sync_runs"]) == before)
    }

    @Test(arguments: [
        ("device,retired_on\nsrv-01,10/01/2026\n", "line 2: '10/01/2026' is not a date"),
        ("device,retired_on\nsrv-01,\n", "line 2: no retirement date"),
        ("host,when\nsrv-01,2026-10-01\n", "the header must name a device column"),
        ("device,retired_on\n", "lists no devices"),
    ])
    func badFilesAreRefusedWholesale(text: String, message: String) async throws {
        let folder = try TemporaryFolder()
        let ledger = try await ledger(folder)
        let before = try ledgerDump(ledger.path, excluding: ["sync_runs"])
        let file = try write(folder, text)
        do {
            _ = try ledger.importRetirements(path: file, tenant: TenantSelection())
            Issue.record("expected an error containing \(message)")
        } catch {
            #expect("\(error)".contains(message), "\(error)")
        }
        #expect(try ledgerDump(ledger.path, excluding: ["sync_runs"]) == before)
    }

    /// Issue 20: Intune's export (its "Device ID" is Intune's own id; "Azure AD Device ID" is the join key), year-first
    /// slashed dates, and a row that matches no device, which is recorded and reported instead of refusing the list.
    @Test func anIntuneExportWithAnUnmatchedRowIsImportedAndTheRowRecorded() async throws {
        let folder = try TemporaryFolder()
        let ledger = try await ledger(folder)
        let file = try write(
            folder,
            "Device name,Device ID,Azure AD Device ID,retired_on\n"
                + "srv-01,11111111-2222-3333-4444-555555555555,80fe8ff8-2624-418e-9591-41f0491218f9,2026/10/01\n"
                + "kiosk-7,99999999-2222-3333-4444-555555555555,0b0b0b0b-2624-418e-9591-41f0491218f9,2026/10/02\n")
        let summary = try ledger.importRetirements(path: file, tenant: TenantSelection())
        #expect(summary.recorded == 1 && summary.rows == 2)
        #expect(summary.unmatched == ["line 3: no device matches '0b0b0b0b-2624-418e-9591-41f0491218f9'"])
        let (retired, unmatched) = try await ledger.dbQueue.read { db in
            (
                try Row.fetchOne(db, sql: "SELECT machine_id, retired_at, matched_by FROM retirements"),
                try String.fetchAll(
                    db, sql: "SELECT payload ->> '$.source' FROM events WHERE kind = 'retirement_unmatched'")
            )
        }
        #expect(retired?["machine_id"] == c)
        #expect(retired?["retired_at"] == "2026-10-01T00:00:00Z")
        #expect(retired?["matched_by"] == "aad_device_id")
        #expect(unmatched == ["retired.csv:3"])
        #expect(try ledger.verify().ok)
    }

    @Test func retirementMakesAFindingAndAnEvent() async throws {
        let folder = try TemporaryFolder()
        let ledger = try await ledger(folder)
        let file = try write(folder, "device,retired_on\nsrv-01,2026-10-01\n")
        let summary = try ledger.importRetirements(path: file, tenant: TenantSelection())
        #expect(summary.lifecycleTransitions == 1)
        let status = try ledger.deviceStatus("srv-01", tenant: nil, asOf: nil)
        #expect(status.device.state == .retiredStillReporting)
        let kinds = try await ledger.dbQueue.read { db in
            try String.fetchAll(db, sql: "SELECT kind FROM events WHERE subject = ? ORDER BY seq", arguments: [c])
        }
        #expect(kinds == ["device_retired", "telemetry_after_retirement"])
    }
}
