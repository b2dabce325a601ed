import Foundation
import GRDB
import GRDBSQLite
import MDEAPI
import MDETestSupport
import Testing

@testable import MDELedger

/// A question about one device (`status`, `exception add`) reads that device, not every device of its tenant
/// (issue 22, migration 0015): the answer equals the device's row in the full list, and the work SQLite does for
/// it does not grow with the tenant. The work is counted by SQLite (virtual machine steps), never timed.
@Suite struct OneDeviceAnswerTests {
    /// A ledger with `count` devices over the agreement test's two runs, a few retired (retirements are read whole: a retired id passes its retirement on to later ids); returns it and the run times.
    private func ledger(count: Int, in folder: TemporaryFolder) async throws -> (Ledger, [Date]) {
        let ledger = try Ledger.open(path: folder.path("l\(count).sqlite"), create: true)
        let devices = LifecycleAgreementTests.generate(count: count, seed: 7)
        let runs = [LifecycleAgreementTests.o1, LifecycleAgreementTests.o2]
        for (run, lastSeen) in zip(runs, [\LifecycleAgreementTests.Generated.lastSeen1, \.lastSeen2]) {
            let machines = devices.filter { run == runs[0] || $0.inSecondSnapshot }
            try await LedgerFixtures.commit(
                ledger,
                machines: machines.map { try LifecycleAgreementTests.machine($0, lastSeen: $0[keyPath: lastSeen]) },
                observedAt: UTCTime.format(run))
        }
        try await LedgerFixtures.insertRetirements(
            ledger, devices.prefix(8).compactMap { g in g.retiredAt.map { (g.id, UTCTime.format($0)) } })
        return (ledger, runs)
    }

    @Test func oneDevicesRowIsItsRowInTheFullList() async throws {
        let folder = try TemporaryFolder()
        let (ledger, runs) = try await ledger(count: 120, in: folder)
        // The latest run (the derived state), a time between the runs (history), and a time after the latest.
        for asOf in [nil, UTCTime.format(runs[0].addingTimeInterval(3_600)), UTCTime.format(runs[1] + 9 * 86_400)] {
            let all = try ledger.deviceStates(tenant: nil, asOf: asOf)
            #expect(all.count >= 100)
            for row in all.prefix(40) {
                let status = try ledger.deviceStatus(row.id, tenant: nil, asOf: asOf)
                #expect(status.device == row, "device \(row.id) as of \(asOf ?? "the latest run")")
            }
        }
    }

    @Test func oneDevicesAnswerDoesNotGrowWithTheTenant() async throws {
        let folder = try TemporaryFolder()
        let (small, runs) = try await ledger(count: 40, in: folder)
        let (large, _) = try await ledger(count: 400, in: folder)
        let between = UTCTime.format(runs[0].addingTimeInterval(3_600))
        for asOf in [nil, between] {
            let few = try steps(small, asOf: asOf, scoped: true)
            let many = try steps(large, asOf: asOf, scoped: true)
            // Ten times the devices: the unscoped list costs about ten times more, one device about the same.
            #expect(many < few * 2, "as of \(asOf ?? "the latest run"): \(few) steps at 40 devices, \(many) at 400")
            let listFew = try steps(small, asOf: asOf, scoped: false)
            let listMany = try steps(large, asOf: asOf, scoped: false)
            #expect(listMany > listFew * 5, "the count cannot tell: \(listFew) and \(listMany) steps for the list")
        }
    }

    /// SQLite's virtual machine steps for the state query of the ledger's first device, limited to that device
    /// (`scoped`) or over the whole list.
    private func steps(_ ledger: Ledger, asOf: String?, scoped: Bool) throws -> Int32 {
        try ledger.withAsOf(asOf) { db in
            let id = try #require(
                try String.fetchOne(db, sql: "SELECT machine_id FROM device_keys ORDER BY machine_id LIMIT 1"))
            if scoped { try LifecycleViews.setDevices(db, [id]) }
            let statement = try db.makeStatement(
                sql: DeviceStateRow.selectSQL + " WHERE machine_id = ?")
            let rows = try Row.fetchAll(statement, arguments: [id])
            #expect(rows.count == 1)
            return sqlite3_stmt_status(statement.sqliteStatement, SQLITE_STMTSTATUS_VM_STEP, 0)
        }
    }
}
