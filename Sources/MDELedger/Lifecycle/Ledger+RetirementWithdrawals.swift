import Crypto
import Foundation
import GRDB
import MDEAPI

/// One retirement as `retired list` shows it: where it came from, how it was matched, and whether it was withdrawn.
public struct RetirementEntry: Sendable, Hashable, Codable {
    public var tenant: String
    public var machineId: String
    public var computerDnsName: String?
    public var retiredAt: String
    public var note: String?
    /// The cell as written in the list.
    public var deviceInput: String
    /// `id`, `aad_device_id` or `name`.
    public var matchedBy: String
    /// The list file and line (`retired.csv:12`).
    public var source: String
    /// The SHA-256 of the list file (nil for rows imported before migration 0007).
    public var listSHA256: String?
    public var importedAt: String
    public var withdrawnAt: String?
    public var withdrawnBy: String?
    public var withdrawalReason: String?
    public var withdrawn: Bool { withdrawnAt != nil }

    /// The SHA-256 a list file is recorded under (as `import retired` computes it).
    public static func listSHA256(of data: Data) -> String { SHA256.hash(data: data).hexString }

    /// Whether it came from `list`: the list's SHA-256, or its file name as recorded in `source`.
    public func isFrom(list: String) -> Bool {
        if let listSHA256, listSHA256 == list.lowercased() { return true }
        let file = source.split(separator: ":").dropLast().joined(separator: ":")
        return file == URL(fileURLWithPath: list).lastPathComponent
    }
}

/// What `retired withdraw` recorded.
public struct WithdrawalSummary: Sendable, Hashable {
    public var run: Int64
    public var tenant: String
    public var withdrawn: [String]
}

extension Ledger {
    static let retirementEntrySQL = """
        SELECT t.name, r.machine_id, m.computer_dns_name, r.retired_at, r.note, r.device_input, r.matched_by, r.source,
               r.list_sha256, r.imported_at, w.withdrawn_at, w.withdrawn_by, w.reason
        FROM retirements r JOIN tenants t ON t.id = r.tenant
        LEFT JOIN machines m ON m.tenant = r.tenant AND m.id = r.machine_id
        LEFT JOIN retirement_withdrawals w ON w.seq = (
            SELECT min(x.seq) FROM retirement_withdrawals x
            WHERE x.tenant = r.tenant AND x.machine_id = r.machine_id AND x.retirement >= r.seq)
        """

    static func retirementEntry(_ row: Row) -> RetirementEntry {
        RetirementEntry(
            tenant: row[0], machineId: row[1], computerDnsName: row[2], retiredAt: row[3], note: row[4],
            deviceInput: row[5], matchedBy: row[6], source: row[7], listSHA256: row[8], importedAt: row[9],
            withdrawnAt: row[10], withdrawnBy: row[11], withdrawalReason: row[12])
    }

    /// Every retirement row of a tenant (nil: all tenants), oldest first, with its withdrawal if any.
    public func retirements(tenant selection: TenantSelection? = nil) throws -> [RetirementEntry] {
        try dbQueue.read { db in
            let tenant = try selection.map { try Self.resolveTenant(db, $0) }
            return try Row.fetchAll(
                db, sql: Self.retirementEntrySQL + " WHERE ?1 IS NULL OR r.tenant = ?1 ORDER BY r.seq",
                arguments: [tenant?.id]
            ).map(Self.retirementEntry)
        }
    }

    /// Each device's latest retirement (withdrawn or not), by machine id.
    static func latestRetirements(_ db: Database, tenant: Int64) throws -> [String: RetirementEntry] {
        var out: [String: RetirementEntry] = [:]
        for row in try Row.fetchAll(
            db, sql: retirementEntrySQL + " WHERE r.tenant = ? ORDER BY r.seq", arguments: [tenant])
        {
            let entry = retirementEntry(row)
            out[entry.machineId] = entry
        }
        return out
    }

    /// Withdraws the current retirement of each device, all or nothing, in a run of its own: a row per device in
    /// `retirement_withdrawals` and a chained `retirement_withdrawn` event with who, when and why.
    /// - Throws: `LedgerError` naming every device that matches nothing, several devices, or no retirement in force.
    public func withdrawRetirements(
        _ devices: [String], reason: String, by person: String, tenant selection: TenantSelection
    ) throws -> WithdrawalSummary {
        let lock = try LedgerLock.acquire(ledgerPath: path, purpose: "retired withdraw")
        defer { withExtendedLifetime(lock) {} }
        return try dbQueue.write { db in
            let tenant = try Self.resolveTenant(db, selection)
            var targets: [(device: DeviceCandidate, retirement: Int64)] = []
            var problems: [String] = []
            for query in devices {
                let device: DeviceCandidate
                do {
                    device = try DeviceLookup.one(db, query: query, tenant: tenant.id)
                } catch let error as DeviceLookupError {
                    problems.append(error.description)
                    continue
                }
                let current = try Int64.fetchOne(
                    db,
                    sql: """
                        SELECT r.seq FROM retirements r WHERE r.tenant = ? AND r.machine_id = ?
                          AND NOT EXISTS (SELECT 1 FROM retirement_withdrawals w
                                          WHERE w.tenant = r.tenant AND w.machine_id = r.machine_id AND w.retirement >= r.seq)
                        ORDER BY r.seq DESC LIMIT 1
                        """, arguments: [tenant.id, device.id])
                guard let current, !targets.contains(where: { $0.device.id == device.id }) else {
                    if current == nil {
                        problems.append(
                            "\(ErrorText.quoted(query)) (\(device.id)) has no retirement in force; "
                                + "'mde-ledger retired list' shows every retirement")
                    }
                    continue
                }
                targets.append((device, current))
            }
            if !problems.isEmpty {
                throw LedgerError(
                    "nothing was withdrawn; fix these and run it again:\n"
                        + problems.map { "  " + ErrorText.escaped($0, keepingLineBreaks: true) }.joined(separator: "\n")
                )
            }
            let run = try FactRun.record(
                db, tenant: tenant.id, source: "retired withdraw", count: "withdrawals", clock: self.clock
            ) { run, events, now in
                for (device, retirement) in targets {
                    try db.execute(
                        sql: """
                            INSERT INTO retirement_withdrawals (tenant, machine_id, retirement, reason, withdrawn_by,
                                withdrawn_at, run) VALUES (?, ?, ?, ?, ?, ?, ?)
                            """, arguments: [tenant.id, device.id, retirement, reason, person, now, run])
                    try events.append(
                        kind: "retirement_withdrawn", subject: device.id, tenant: tenant.id, run: run, occurredAt: now,
                        payload: .object([
                            "retirement": .int(retirement), "reason": .string(reason), "withdrawn_by": .string(person),
                        ]))
                }
                return targets.count
            }
            return WithdrawalSummary(run: run, tenant: tenant.name, withdrawn: targets.map(\.device.id))
        }
    }
}
