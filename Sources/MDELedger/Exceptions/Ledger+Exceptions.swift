import Foundation
import GRDB
import MDEAPI

/// One accepted risk: a finding of one device, in one state, excepted for a while with a reason.
public struct FindingException: Sendable, Hashable, Codable {
    /// Its id (`exception revoke ID`).
    public var id: Int64
    public var tenant: String
    public var machineId: String
    public var computerDnsName: String?
    /// The finding state it excepts; in another state the device's finding counts again.
    public var state: String
    public var reason: String
    public var approvedBy: String?
    public var recordedBy: String
    public var recordedAt: String
    /// The first second it applies (canonical UTC).
    public var validFrom: String
    /// The last day it applies (`YYYY-MM-DD`, UTC).
    public var until: String
    /// The first second it no longer applies.
    public var expiresAt: String
    public var revokedAt: String?
    public var revokedBy: String?
    public var revocationReason: String?

    /// `in force`, `not begun`, `expired` or `revoked` at `time` (canonical UTC).
    public func status(at time: String) -> String {
        if let revokedAt, revokedAt <= time { return "revoked" }
        if time >= expiresAt { return "expired" }
        if time < validFrom { return "not begun" }
        return "in force"
    }
}

/// What `exception add` recorded, and the device's state as of its latest run (the exception only counts while
/// the device is in the excepted state).
public struct ExceptionAdded: Sendable, Hashable {
    public var run: Int64
    public var exception: FindingException
    public var currentState: String?
}

extension Ledger {
    /// The states an exception can name: those that can be findings.
    public static let exceptableStates: [DeviceState] = [
        .removed, .offboardFailed, .offboardPending, .offboardedStillReporting, .retiredStillReporting,
        .retiredNotOffboarded,
    ]

    private static let exceptionSQL = """
        SELECT x.seq, t.name, x.machine_id, m.computer_dns_name, x.state, x.reason, x.approved_by, x.recorded_by,
               x.recorded_at, x.valid_from, x.until_date, x.expires_at, v.revoked_at, v.revoked_by, v.reason
        FROM finding_exceptions x JOIN tenants t ON t.id = x.tenant
        LEFT JOIN machines m ON m.tenant = x.tenant AND m.id = x.machine_id
        LEFT JOIN exception_revocations v ON v.seq = (
            SELECT min(y.seq) FROM exception_revocations y WHERE y.exception = x.seq)
        """

    private static func exception(_ row: Row) -> FindingException {
        FindingException(
            id: row[0], tenant: row[1], machineId: row[2], computerDnsName: row[3], state: row[4], reason: row[5],
            approvedBy: row[6], recordedBy: row[7], recordedAt: row[8], validFrom: row[9], until: row[10],
            expiresAt: row[11], revokedAt: row[12], revokedBy: row[13], revocationReason: row[14])
    }

    /// Every exception of a tenant (nil: all tenants), oldest first, with its revocation if any.
    public func exceptions(tenant selection: TenantSelection? = nil) throws -> [FindingException] {
        try dbQueue.read { db in
            let tenant = try selection.map { try Self.resolveTenant(db, $0) }
            return try Row.fetchAll(
                db, sql: Self.exceptionSQL + " WHERE ?1 IS NULL OR x.tenant = ?1 ORDER BY x.seq",
                arguments: [tenant?.id]
            ).map(Self.exception)
        }
    }

    /// Excepts one device's finding in `state` from the start of `from` (default: today, UTC) to the end of
    /// `until`, in a run of its own with a chained `exception_added` event.
    /// - Throws: `LedgerError` when the device matches nothing or several devices, or the dates are out of order.
    public func addException(
        device query: String, state: DeviceState, reason: String, until: String, from: String? = nil,
        approvedBy: String?, by person: String, tenant selection: TenantSelection
    ) throws -> ExceptionAdded {
        guard Self.exceptableStates.contains(state) else {
            throw LedgerError(
                "\(state.rawValue) is never a finding, so there is nothing to except; an exception names one of "
                    + Self.exceptableStates.map(\.rawValue).joined(separator: ", "))
        }
        let now = clock.nowText()
        let today = String(now.prefix(10))
        let start = from ?? today
        guard let validFrom = Self.dayStart(start), let lastDay = Self.dayStart(until),
            let expiresAt = UTCTime.epochSeconds(lastDay).map({ UTCTime.format(epochSeconds: $0 + 86_400) })
        else { throw LedgerError("dates are YYYY-MM-DD (UTC), e.g. 2027-03-31; got '\(start)' and '\(until)'") }
        guard until >= start else {
            throw LedgerError("--until \(until) is before the exception begins (\(start)); it would never apply")
        }
        guard until >= today else {
            throw LedgerError(
                "--until \(until) has passed (today is \(today) UTC); an exception must end today or later")
        }
        let lock = try LedgerLock.acquire(ledgerPath: path, purpose: "exception add")
        defer { withExtendedLifetime(lock) {} }
        let (run, seq, tenantId, machineId) = try dbQueue.write { db in
            let tenant = try Self.resolveTenant(db, selection)
            let device: DeviceCandidate
            do {
                device = try DeviceLookup.one(db, query: query, tenant: tenant.id)
            } catch let error as DeviceLookupError {
                throw LedgerError("no exception was recorded: " + error.description)
            }
            var seq: Int64 = 0
            let run = try FactRun.record(
                db, tenant: tenant.id, source: "exception add", count: "exceptions", clock: self.clock
            ) { run, events, now in
                try db.execute(
                    sql: """
                        INSERT INTO finding_exceptions (tenant, machine_id, state, reason, approved_by, recorded_by,
                            recorded_at, valid_from, until_date, expires_at, run)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        tenant.id, device.id, state.rawValue, reason, approvedBy, person, now, validFrom, until,
                        expiresAt, run,
                    ])
                seq = db.lastInsertedRowID
                try events.append(
                    kind: "exception_added", subject: device.id, tenant: tenant.id, run: run, occurredAt: validFrom,
                    payload: .object([
                        "exception": .int(seq), "state": .string(state.rawValue), "reason": .string(reason),
                        "approved_by": approvedBy.map(JSONValue.string) ?? .null, "recorded_by": .string(person),
                        "until": .string(until),
                    ]))
                return 1
            }
            return (run, seq, tenant.id, device.id)
        }
        let current = try withAsOf(nil) { db in
            try LifecycleViews.setDevices(db, [machineId])
            return try String.fetchOne(
                db, sql: "SELECT state FROM device_states WHERE tenant = ? AND machine_id = ?",
                arguments: [tenantId, machineId])
        }
        let added = try exceptions().first { $0.id == seq }!
        return ExceptionAdded(run: run, exception: added, currentState: current)
    }

    /// Ends an exception from now, in a run of its own with a chained `exception_revoked` event.
    /// - Throws: `LedgerError` when there is no such exception, or it was already revoked.
    public func revokeException(_ id: Int64, reason: String, by person: String) throws -> FindingException {
        let lock = try LedgerLock.acquire(ledgerPath: path, purpose: "exception revoke")
        defer { withExtendedLifetime(lock) {} }
        try dbQueue.write { db in
            guard let found = try Row.fetchOne(db, sql: Self.exceptionSQL + " WHERE x.seq = ?", arguments: [id])
            else {
                throw LedgerError("there is no exception \(id); 'mde-ledger exception list' shows every exception")
            }
            let existing = Self.exception(found)
            if let revokedAt = existing.revokedAt {
                throw LedgerError(
                    "exception \(id) was revoked at \(revokedAt) by \(existing.revokedBy ?? "-"); nothing to do")
            }
            let tenant = try Int64.fetchOne(
                db, sql: "SELECT tenant FROM finding_exceptions WHERE seq = ?", arguments: [id])!
            _ = try FactRun.record(
                db, tenant: tenant, source: "exception revoke", count: "revocations", clock: self.clock
            ) { run, events, now in
                try db.execute(
                    sql: """
                        INSERT INTO exception_revocations (tenant, exception, reason, revoked_by, revoked_at, run)
                        VALUES (?, ?, ?, ?, ?, ?)
                        """, arguments: [tenant, id, reason, person, now, run])
                try events.append(
                    kind: "exception_revoked", subject: existing.machineId, tenant: tenant, run: run, occurredAt: now,
                    payload: .object([
                        "exception": .int(id), "reason": .string(reason), "revoked_by": .string(person),
                    ]))
                return 1
            }
        }
        return try exceptions().first { $0.id == id }!
    }

    /// `2027-03-31` → `2027-03-31T00:00:00Z`; nil unless the text is a real calendar day.
    static func dayStart(_ day: String) -> String? {
        guard day.count == 10, let date = UTCTime.parse(day + "T00:00:00Z") else { return nil }
        let text = UTCTime.format(date)
        return text.hasPrefix(day) ? text : nil
    }
}
