import Foundation
import GRDB

/// Reads of the outbox: where devices stand in plans, and which plan a rerun resumes.
enum OutboxHistory {
    typealias Latest = OutboxDeviceStep

    static let latestSQL = """
        SELECT l.plan, l.machine_id, l.step, p.tag, l.action_id, l.reconciled, l.http_status, l.error_code, l.message,
               l.recorded_at, m.computer_dns_name, a.status AS action_status
        FROM outbox_latest l JOIN outbox_plans p ON p.id = l.plan
        LEFT JOIN machines m ON m.tenant = p.tenant AND m.id = l.machine_id
        LEFT JOIN machine_actions a ON a.tenant = p.tenant AND a.id = l.action_id
        """

    static func latest(row: Row) -> Latest {
        let status: Int? = row["http_status"]
        let code: String? = row["error_code"]
        let message: String? = row["message"]
        let error = [status.map(String.init), code, message].compactMap { $0 }.joined(separator: " ")
        return OutboxDeviceStep(
            plan: row["plan"], machineId: row["machine_id"], step: OutboxStep(rawValue: row["step"]) ?? .planned,
            tag: row["tag"], actionId: row["action_id"], reconciled: row["reconciled"], error: error,
            recordedAt: row["recorded_at"], computerDnsName: row["computer_dns_name"],
            actionStatus: row["action_status"])
    }

    /// Each device's latest step over all plans of this kind (the newest plan wins).
    static func latest(_ db: Database, tenant: Int64, kind: OutboxKind) throws -> [String: Latest] {
        var out: [String: Latest] = [:]
        let rows = try Row.fetchAll(
            db, sql: latestSQL + " WHERE l.tenant = ? AND l.kind = ? ORDER BY l.seq",
            arguments: [tenant, kind.rawValue])
        for row in rows {
            let latest = latest(row: row)
            out[latest.machineId] = latest
        }
        return out
    }

    /// The devices of one plan and their latest steps, in plan order.
    static func steps(_ db: Database, plan: Int64) throws -> [Latest] {
        try Row.fetchAll(db, sql: latestSQL + " WHERE l.plan = ? ORDER BY l.machine_id", arguments: [plan])
            .map(latest(row:))
            .sorted { $0.machineId < $1.machineId }
    }

    /// The newest plan with this selection that still has devices to send, if any.
    static func unfinishedPlan(_ db: Database, tenant: Int64, key: String) throws -> Int64? {
        try Int64.fetchOne(
            db,
            sql: """
                SELECT p.id FROM outbox_plans p
                WHERE p.tenant = ? AND p.selection_key = ?
                  AND EXISTS (SELECT 1 FROM outbox_latest l WHERE l.plan = p.id AND l.step IN ('planned', 'sent', 'deferred'))
                ORDER BY p.id DESC LIMIT 1
                """, arguments: [tenant, key])
    }
}

/// A device's latest step in a plan.
public struct OutboxDeviceStep: Sendable, Hashable, Codable {
    public var plan: Int64
    public var machineId: String
    public var step: OutboxStep
    public var tag: String?
    /// The Offboard action the API created (accepted offboard requests).
    public var actionId: String?
    /// The action was found by listing the machine's actions after its answer was lost.
    public var reconciled: Bool
    /// The API's refusal: status, error code and message; empty when none.
    public var error: String
    public var recordedAt: String
    public var computerDnsName: String?
    /// The action's status as the ledger last saw it (Pending until a sync sees it change).
    public var actionStatus: String?
}

extension Ledger {
    /// The devices of a plan with their latest steps, by machine id.
    public func outboxSteps(_ plan: Int64) throws -> [OutboxDeviceStep] {
        try dbQueue.read { db in try OutboxHistory.steps(db, plan: plan) }
    }
}
