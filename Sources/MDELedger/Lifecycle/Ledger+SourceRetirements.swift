import Crypto
import Foundation
import GRDB
import MDEAPI

/// A retirement that a source system shows — Intune's retire, wipe or delete of a device — joined to MDE by the
/// device's Entra id (`aadDeviceId`), with the evidence for the auditor.
public struct SourceRetirement: Sendable, Hashable {
    /// The Entra device id Intune names (`azureADDeviceId`); every MDE machine that carries it is retired, so a
    /// reimaged device's successors are covered too.
    public var aadDeviceId: String
    /// When it was retired, canonical UTC: the audit event's time when there is one.
    public var retiredAt: String
    /// The source object, e.g. `intune:<managed device id>`.
    public var reference: String
    /// What shows it, e.g. `Intune managementState retirePending; audit event … 'Retire ManagedDevice' by …`.
    public var evidence: String

    public init(aadDeviceId: String, retiredAt: String, reference: String, evidence: String) {
        self.aadDeviceId = aadDeviceId
        self.retiredAt = retiredAt
        self.reference = reference
        self.evidence = evidence
    }
}

/// What `sync --graph` recorded from a source's retirements.
public struct SourceRetirementSummary: Sendable, Hashable {
    /// Retirements the source shows.
    public var shown: Int
    /// MDE machines newly retired (or retired anew with other evidence).
    public var recorded: Int
    /// Retirements whose Entra id no MDE machine carries (a device never onboarded, or not Entra-joined in MDE).
    public var unmatched: Int
    /// The retirement run, when anything was recorded.
    public var run: Int64?
}

extension Ledger {
    /// Records the retirements a source shows as one retirement run, like `import retired` but without a file
    /// between: the run's `list_sha256` is the digest of the source's answer (its items' canonical JSON), so the
    /// evidence can be matched to what the source sent. A retirement already recorded with the same time and
    /// evidence changes nothing; one whose Entra id no machine carries is counted, not an error.
    /// - Parameter lock: the caller's lock (`sync` holds it for the whole run).
    public func recordSourceRetirements(
        _ facts: [SourceRetirement], source: String, answer: JSONValue, tenant selection: TenantSelection,
        holding lock: LedgerLock
    ) throws -> SourceRetirementSummary {
        let text = answer.canonicalText()
        let digest = SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
        return try withExtendedLifetime(lock) {
            try dbQueue.write { db in
                let tenant = try Self.resolveTenant(db, selection)
                var matches: [(RetirementRow, DeviceCandidate)] = []
                var unmatched = 0
                for (index, fact) in facts.enumerated() {
                    let machines = try DeviceLookup.candidates(db, query: fact.aadDeviceId, tenant: tenant.id)
                        .filter { $0.matchedBy == "aad_device_id" }
                    if machines.isEmpty { unmatched += 1 }
                    let row = RetirementRow(
                        line: index + 1, device: fact.aadDeviceId, retiredAt: fact.retiredAt, note: fact.evidence,
                        reference: fact.reference)
                    matches += machines.map { (row, $0) }
                }
                let changed = try matches.filter { try !Self.isRecorded(db, tenant: tenant.id, $0.0, $0.1) }
                guard !changed.isEmpty else {
                    return SourceRetirementSummary(shown: facts.count, recorded: 0, unmatched: unmatched, run: nil)
                }
                let summary = try recordRetirements(
                    db, tenant: tenant, list: RetirementSource(name: source, sha256: digest, bytes: text.utf8.count),
                    matches: changed)
                return SourceRetirementSummary(
                    shown: facts.count, recorded: summary.recorded, unmatched: unmatched, run: summary.run)
            }
        }
    }

    /// The machine's current retirement is this one (same time and evidence) and was not withdrawn.
    private static func isRecorded(
        _ db: Database, tenant: Int64, _ row: RetirementRow, _ device: DeviceCandidate
    ) throws -> Bool {
        try Bool.fetchOne(
            db,
            sql: """
                SELECT r.retired_at = ? AND r.note IS ? AND NOT EXISTS (
                    SELECT 1 FROM retirement_withdrawals w
                    WHERE w.tenant = r.tenant AND w.machine_id = r.machine_id AND w.retirement >= r.seq)
                FROM retirements r WHERE r.tenant = ? AND r.machine_id = ? ORDER BY r.seq DESC LIMIT 1
                """,
            arguments: [row.retiredAt, row.note, tenant, device.id]) ?? false
    }
}
