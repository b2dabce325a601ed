import Foundation
import GRDB
import MDEAPI
import MDETestSupport

@testable import MDELedger

/// Builds MDE-shaped JSON objects and commits them as runs, without HTTP.
enum LedgerFixtures {
    static func machine(
        _ id: String, name: String = "ws-0001.contoso.com", lastSeen: String = "2026-11-01T08:00:00.1234567Z",
        health: String = "Active", onboarding: String = "Onboarded", tags: [String] = []
    ) throws -> Machine {
        let tagList = tags.map { "\"\($0)\"" }.joined(separator: ",")
        return try Machine(
            json: JSONValue.parse(
                """
                {"id":"\(id)","computerDnsName":"\(name)","firstSeen":"2026-01-01T00:00:00Z","lastSeen":"\(lastSeen)",
                 "osPlatform":"Windows11","onboardingStatus":"\(onboarding)","healthStatus":"\(health)","rbacGroupId":140,
                 "machineTags":[\(tagList)],"aadDeviceId":null,"riskScore":"Low"}
                """))
    }

    static func action(
        _ id: String, machine: String, type: String = "Offboard", status: String = "Pending",
        created: String = "2026-11-01T09:00:00Z"
    ) throws -> MachineAction {
        try MachineAction(
            json: JSONValue.parse(
                """
                {"id":"\(id)","type":"\(type)","status":"\(status)","machineId":"\(machine)",
                 "requestor":"admin@contoso.com","requestorComment":"retired","creationDateTimeUtc":"\(created)",
                 "lastUpdateDateTimeUtc":"\(created)","computerDnsName":null}
                """))
    }

    /// Stages and commits one run exactly as a sync does after fetching.
    @discardableResult
    static func commit(
        _ ledger: Ledger, machines: [Machine], actions: [MachineAction] = [], observedAt: String,
        complete: Bool = true, tenant: String? = nil
    ) async throws -> RunSummary {
        let staging = Staging(dbQueue: ledger.dbQueue)
        try await staging.reset()
        try await staging.add(machines: machines)
        try await staging.add(actions: actions)
        var info = RunInfo(
            tenant: TenantSelection(name: tenant), kind: "sync", complete: complete, startedAt: observedAt,
            observedAt: observedAt, source: "test", machinesSeen: machines.count, actionsSeen: actions.count)
        // Fixtures jump months ahead, so many devices leave at once; the valve has its own tests.
        info.allowMassRemoval = true
        let summary = try await ledger.commitStaged(info)
        await staging.drop()
        return summary
    }

    /// Row counts of the history tables.
    static func historyCounts(_ path: String) throws -> [String: Int] {
        let queue = try DatabaseQueue(path: path)
        return try queue.read { db in
            var counts: [String: Int] = [:]
            for table in ["machine_observations", "machine_action_observations", "events", "machines", "sync_runs"] {
                counts[table] = try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table)")
            }
            return counts
        }
    }
}

extension LedgerFixtures {
    /// Writes retirements directly, as `import retired` would after matching (the matching has its own tests).
    static func insertRetirements(_ ledger: Ledger, _ rows: [(machine: String, retiredAt: String)]) async throws {
        try await ledger.dbQueue.write { db in
            let tenant: Int64 = try Int64.fetchOne(db, sql: "SELECT id FROM tenants LIMIT 1")!
            let run: Int64 = try Int64.fetchOne(db, sql: "SELECT max(id) FROM sync_runs")!
            for row in rows {
                try db.execute(
                    sql: """
                        INSERT INTO retirements (tenant, machine_id, retired_at, note, device_input, matched_by, source,
                            run, imported_at) VALUES (?, ?, ?, NULL, ?, 'id', 'test', ?, '2026-01-01T00:00:00Z')
                        """, arguments: [tenant, row.machine, row.retiredAt, row.machine, run])
            }
        }
    }
}
