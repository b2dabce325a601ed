import Crypto
import Foundation
import GRDB
import MDEAPI

extension Ledger {
    /// Records what the Graph step of a sync read, as one run: a `source_observations` row for each object that is
    /// new, changed or gone from a whole listing; then the retirements the sources show — Intune's (given) and
    /// Entra's (derived from its history: disabled, or gone from the device list) — for the kinds the tenant's
    /// `retirement_sources` setting counts, joined to MDE machines by Entra device id; then the lifecycle
    /// transitions they cause, and `run_committed` with the digest of the rows and of Graph's answer.
    ///
    /// A source retirement never replaces a machine's retirement from another source (a list, another Graph object):
    /// the earliest evidence stands. The same fact seen again records nothing, and one that was withdrawn stays
    /// withdrawn.
    /// - Parameter lock: the caller's lock (`sync` holds it for the whole run).
    public func recordGraphRead(
        _ read: GraphRead, tenant selection: TenantSelection, holding lock: LedgerLock
    ) throws -> GraphRunSummary {
        let text = read.answer.canonicalText()
        let list = RetirementSource(
            name: "Microsoft Graph", sha256: SHA256.hash(data: Data(text.utf8)).hexString, bytes: text.utf8.count)
        return try withExtendedLifetime(lock) {
            try dbQueue.write { db in
                let tenant = try Self.resolveTenant(db, selection)
                let now = self.clock.nowText()
                try db.execute(
                    sql: """
                        INSERT INTO sync_runs (tenant, kind, status, complete, started_at, finished_at, observed_at,
                            source) VALUES (?, 'import', 'committed', 0, ?, ?, NULL, ?)
                        """, arguments: [tenant.id, now, now, "graph: \(read.baseURL)"])
                let run = db.lastInsertedRowID
                var summary = GraphRunSummary(run: run)
                var rows = 0
                for listing in read.listings {
                    let written = try SourceHistory.write(
                        db, tenant: tenant.id, run: run, observedAt: read.observedAt, listing: listing)
                    summary.listed[listing.kind] = listing.objects.count
                    summary.changed[listing.kind] = written.changed
                    summary.gone[listing.kind] = written.gone
                    rows += written.changed + written.gone
                }
                let entraRead = read.listings.contains { $0.kind == .entra }
                let facts =
                    read.retirements + (entraRead ? try SourceHistory.entraRetirements(db, tenant: tenant.id) : [])
                summary.counted = try RetirementSourceRule.load(db, tenant: tenant.id)
                let events = try EventAppender(db, clock: self.clock)
                for fact in facts {
                    summary.shown[fact.rule, default: 0] += 1
                }
                try Self.retire(
                    db, facts: facts.filter { summary.counted.contains($0.rule) }, tenant: tenant.id, run: run,
                    now: now, list: list, events: events, summary: &summary)
                _ = try LifecycleTransitions.apply(db, tenant: tenant.id, run: run, events: events)
                // Its "retirements" count marks it, like a retirement list's run, as no MDE snapshot.
                var payload: [String: JSONValue] = [
                    "kind": .string("graph"), "source": .string("graph: \(read.baseURL)"),
                    "graph_observed_at": .string(read.observedAt), "observations": .int(Int64(rows)),
                    "retirements": .int(Int64(summary.recorded)), "unmatched": .int(Int64(summary.unmatched)),
                    "list_sha256": .string(list.sha256), "list_bytes": .int(Int64(list.bytes)),
                    "digest_version": .int(Int64(RunDigest.currentVersion)),
                    "observations_sha256": .string(try RunDigest.compute(db, run: run)),
                ]
                if let credential = read.credential { payload["credential"] = .string(credential) }
                try events.append(
                    kind: "run_committed", subject: "run:\(run)", tenant: tenant.id, run: run, occurredAt: now,
                    payload: .object(payload))
                try db.execute(
                    sql: "UPDATE sync_runs SET events_written = ?, observations_written = ? WHERE id = ?",
                    arguments: [events.written, rows + summary.recorded, run])
                return summary
            }
        }
    }

    /// Retires the MDE machines of each fact (every machine with its Entra id), one fact per machine: the earliest.
    private static func retire(
        _ db: Database, facts: [SourceRetirement], tenant: Int64, run: Int64, now: String, list: RetirementSource,
        events: EventAppender, summary: inout GraphRunSummary
    ) throws {
        var chosen: [String: (SourceRetirement, DeviceCandidate)] = [:]
        for fact in facts {
            let machines = try DeviceLookup.candidates(db, query: fact.aadDeviceId, tenant: tenant)
                .filter { $0.matchedBy == "aad_device_id" }
            if machines.isEmpty { summary.unmatched += 1 }
            for machine in machines {
                if let earlier = chosen[machine.id],
                    (earlier.0.retiredAt, earlier.0.rule.rawValue) <= (fact.retiredAt, fact.rule.rawValue)
                {
                    continue
                }
                chosen[machine.id] = (fact, machine)
            }
        }
        for (machineId, (fact, machine)) in chosen.sorted(by: { $0.key < $1.key }) {
            switch try SourceHistory.standing(db, tenant: tenant, machineId: machineId, fact: fact) {
            case .recorded: continue
            case .retiredElsewhere:
                summary.retiredElsewhere += 1
                continue
            case .open: break
            }
            let row = RetirementRow(
                line: 0, device: fact.aadDeviceId, retiredAt: fact.retiredAt, note: fact.evidence,
                reference: fact.reference)
            if try appendRetirement(
                db, tenant: tenant, run: run, now: now, row: row, device: machine, list: list, events: events)
            {
                summary.recorded += 1
            }
        }
    }
}
