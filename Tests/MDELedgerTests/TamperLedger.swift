import Foundation
import GRDB
import MDEAPI
import MDETestSupport

@testable import MDELedger

/// A small real ledger for the tamper suite: three devices over two runs, an Offboard action first seen without
/// its machine id, a retirement imported from a CSV file, and a changed setting. Each test gets a fresh copy.
struct TamperLedger {
    static let a = String(repeating: "a", count: 40)
    static let b = String(repeating: "b", count: 40)
    static let c = String(repeating: "c", count: 40)
    let folder: TemporaryFolder
    let ledger: Ledger
    let queue: DatabaseQueue

    static func make() async throws -> TamperLedger {
        let folder = try TemporaryFolder()
        let ledger = try Ledger.open(path: folder.path("ledger.sqlite"), create: true)
        let early = "2026-11-01T08:00:00Z"
        try await LedgerFixtures.commit(
            ledger,
            machines: [
                try LedgerFixtures.machine(a, name: "ws-a", lastSeen: early),
                try LedgerFixtures.machine(b, name: "ws-b", lastSeen: early),
                try LedgerFixtures.machine(c, name: "ws-c", lastSeen: early),
            ],
            actions: [try offboard(machine: nil)], observedAt: "2026-11-01T09:00:00Z")
        let late = "2026-11-03T08:00:00Z"
        try await LedgerFixtures.commit(
            ledger,
            machines: [
                try LedgerFixtures.machine(a, name: "ws-a", lastSeen: late),
                try LedgerFixtures.machine(b, name: "ws-b", lastSeen: late),
                try LedgerFixtures.machine(c, name: "ws-c", lastSeen: late),
            ],
            actions: [try offboard(machine: a)], observedAt: "2026-11-03T09:00:00Z")
        let csv = folder.path("retired.csv")
        try "device,retired_on,note\nws-b,2026-10-30,returned laptop\n".write(
            toFile: csv, atomically: true, encoding: .utf8)
        _ = try ledger.importRetirements(path: csv, tenant: TenantSelection(name: nil))
        return TamperLedger(folder: folder, ledger: ledger, queue: try DatabaseQueue(path: ledger.path))
    }

    /// An Offboard action that succeeded; the service first lists it without its machine id.
    static func offboard(machine: String?) throws -> MachineAction {
        try MachineAction(
            json: JSONValue.parse(
                """
                {"id":"act-1","type":"Offboard","status":"Succeeded","machineId":\(machine.map { "\"\($0)\"" } ?? "null"),
                 "requestor":"admin@contoso.com","requestorComment":"retired","creationDateTimeUtc":"2026-11-01T07:00:00Z",
                 "lastUpdateDateTimeUtc":"2026-11-01T07:30:00Z"}
                """))
    }

    /// Every device's state as of T (nil: the latest run), as `devices` answers.
    func states(asOf: String? = nil) throws -> [String: String] {
        Dictionary(
            uniqueKeysWithValues: try ledger.deviceStates(tenant: nil, asOf: asOf).map { ($0.id, $0.state.rawValue) })
    }

    /// Runs SQL with the history triggers dropped, then puts them back exactly as they were, as an attacker would.
    func tamper(_ sql: String) throws {
        try queue.writeWithoutTransaction { db in
            // An attacker's sqlite3 session does not enforce foreign keys unless asked to.
            try db.execute(sql: "PRAGMA foreign_keys = OFF")
            let triggers = try Row.fetchAll(db, sql: "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
            for trigger in triggers { try db.execute(sql: "DROP TRIGGER \(trigger["name"] as String)") }
            try db.execute(sql: sql)
            for trigger in triggers { try db.execute(sql: trigger["sql"]) }
        }
    }

    func problems() throws -> [String] { try ledger.verify().problems }
}
