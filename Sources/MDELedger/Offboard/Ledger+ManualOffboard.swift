import Foundation
import GRDB
import MDEAPI

/// What `offboard --record-manual` recorded.
public struct ManualOffboard: Sendable, Hashable, Codable {
    /// Its action id in the views and reports (`manual-SEQ`).
    public var actionId: String
    public var run: Int64
    public var tenant: String
    public var machineId: String
    public var computerDnsName: String?
    public var offboardedAt: String
    public var evidence: String
    public var recordedBy: String
    public var recordedAt: String
}

extension Ledger {
    /// Records an offboarding done without the API (the portal's script on macOS or Linux, a local script), in a
    /// run of its own with a chained `offboard_recorded` event. The views treat it as a succeeded Offboard action
    /// requested at `offboardedAt` (default: now), so a device that still reports afterwards is a finding again.
    /// - Throws: `LedgerError` when the device matches nothing or several devices, or the time is in the future.
    public func recordManualOffboard(
        device query: String, evidence: String, offboardedAt: String? = nil, by person: String,
        tenant selection: TenantSelection
    ) throws -> ManualOffboard {
        let now = clock.nowText()
        let when = offboardedAt ?? now
        guard let canonical = UTCTime.canonical(when) else {
            throw LedgerError(
                "--offboarded-at takes a UTC time such as 2026-11-20T09:30:00Z or a day (2026-11-20), not '\(when)'")
        }
        guard canonical <= now else {
            throw LedgerError(
                "--offboarded-at \(canonical) is in the future (now is \(now)); record it once it is done")
        }
        let lock = try LedgerLock.acquire(ledgerPath: path, purpose: "offboard --record-manual")
        defer { withExtendedLifetime(lock) {} }
        return try dbQueue.write { db in
            let tenant = try Self.resolveTenant(db, selection)
            let device: DeviceCandidate
            do {
                device = try DeviceLookup.one(db, query: query, tenant: tenant.id)
            } catch let error as DeviceLookupError {
                throw LedgerError("nothing was recorded: " + error.description)
            }
            if let first = device.firstSeen.flatMap(UTCTime.canonical), canonical < first {
                throw LedgerError(
                    "--offboarded-at \(canonical) is before \(device.id) was first seen (\(first)); "
                        + "check the date of the offboarding")
            }
            var seq: Int64 = 0
            var recordedAt = now
            let run = try FactRun.record(
                db, tenant: tenant.id, source: "offboard --record-manual", count: "offboards", clock: self.clock
            ) { run, events, now in
                recordedAt = now
                try db.execute(
                    sql: """
                        INSERT INTO manual_offboards (tenant, machine_id, offboarded_at, evidence, recorded_by,
                            recorded_at, run) VALUES (?, ?, ?, ?, ?, ?, ?)
                        """, arguments: [tenant.id, device.id, canonical, evidence, person, now, run])
                seq = db.lastInsertedRowID
                try events.append(
                    kind: "offboard_recorded", subject: device.id, tenant: tenant.id, run: run, occurredAt: canonical,
                    payload: .object([
                        "manual_offboard": .int(seq), "evidence": .string(evidence), "recorded_by": .string(person),
                    ]))
                return 1
            }
            return ManualOffboard(
                actionId: "manual-\(seq)", run: run, tenant: tenant.name, machineId: device.id,
                computerDnsName: device.computerDnsName, offboardedAt: canonical, evidence: evidence,
                recordedBy: person, recordedAt: recordedAt)
        }
    }
}
