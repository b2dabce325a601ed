import Foundation
import GRDB

/// The corrections an answer about T includes: facts recorded after the first head at which T had passed (the
/// first run at or after T) whose valid time is at or before T — back-dated settings, back-dated retirements,
/// exceptions from an earlier day, offboardings recorded by hand, runs dated at or before T — listed when they change
/// the answer's rows. Zero corrections is stated too.
public struct ReportCorrections: Sendable, Hashable, Codable {
    /// One fact recorded after the base head that concerns a time at or before T.
    public struct Item: Sendable, Hashable, Codable {
        /// The event that recorded it (its run's `run_committed` for history rows).
        public var seq: Int64
        public var recordedAt: String
        /// What changed, and from when it applies.
        public var what: String
        /// The run, list or command that recorded it.
        public var by: String
    }

    /// The first head at which T had passed (`seq:hash`); answers as known at it are what was issued first.
    public var base: String?
    /// Its seq alone, as the text formats print it (the hash is in the JSON; the generation line names the head).
    var baseSeq: String? { base.map { String($0.prefix { $0 != ":" }) } }

    public init(base: String?, items: [Item]) {
        self.base = base
        self.items = items
    }
    public var items: [Item]

    /// `corrections: none since head 12:ab…` or `corrections: 2 since head 12:ab…`.
    public var summary: String {
        guard let base = baseSeq else { return "corrections: none (no run at or after this time yet)" }
        return items.isEmpty
            ? "corrections: none since event \(base), the first head at which this time had passed"
            : "corrections: \(items.count) recorded since event \(base), the first head at which this time had passed"
    }

    /// One line per correction.
    public var lines: [String] {
        items.map { "correction: event \($0.seq) at \($0.recordedAt): \($0.what) (\($0.by))" }
    }

    /// The first head at which `time` had passed for these tenants, within what is known (`knownSeq`).
    static func base(_ db: Database, tenants: [Int64], time: String, knownSeq: Int64) throws -> (
        seq: Int64, hash: String
    )? {
        let row = try Row.fetchOne(
            db,
            sql: """
                SELECT e.seq, e.hash FROM events e
                WHERE e.kind = 'run_committed' AND e.payload ->> '$.retirements' IS NULL AND e.occurred_at >= ?
                  AND e.seq <= ? AND e.tenant IN (SELECT value FROM json_each(?))
                ORDER BY e.seq LIMIT 1
                """, arguments: [time, knownSeq, "[" + tenants.map(String.init).joined(separator: ",") + "]"])
        return row.map { ($0["seq"], $0["hash"]) }
    }

    /// The facts recorded after `base` and at or before `knownSeq` whose valid time is at or before `time`; with
    /// `machine`, only those about that device (its retirements, runs that observed it) and its tenant's settings.
    static func facts(
        _ db: Database, tenants: [Int64], time: String, base: Int64, knownSeq: Int64, machine: String? = nil
    ) throws -> [Item] {
        let scope = "[" + tenants.map(String.init).joined(separator: ",") + "]"
        var items: [Item] = []
        for row in try Row.fetchAll(
            db,
            sql: """
                SELECT seq, recorded_at, occurred_at, subject, payload ->> '$.key' AS key,
                       payload ->> '$.from' AS old_value, payload ->> '$.to' AS new_value
                FROM events WHERE kind = 'tenant_setting_changed' AND seq > ? AND seq <= ? AND occurred_at <= ?
                  AND tenant IN (SELECT value FROM json_each(?)) ORDER BY seq
                """, arguments: [base, knownSeq, time, scope])
        {
            items.append(
                Item(
                    seq: row["seq"], recordedAt: row["recorded_at"],
                    what: "\(row["subject"] as String) \(row["key"] as String? ?? "-") "
                        + "\(row["old_value"] as String? ?? "default") → \(row["new_value"] as String? ?? "default") "
                        + "from \(row["occurred_at"] as String)",
                    by: "tenant set, back-dated"))
        }
        // History rows are recorded by their run's run_committed event.
        for row in try Row.fetchAll(
            db,
            sql: """
                SELECT e.seq, e.recorded_at, r.machine_id, r.retired_at, r.source, r.matched_by, x.source AS run_source
                FROM retirements r JOIN events e ON e.run = r.run AND e.kind = 'run_committed'
                JOIN sync_runs x ON x.id = r.run
                WHERE e.seq > ? AND e.seq <= ? AND r.retired_at <= ? AND r.tenant IN (SELECT value FROM json_each(?))
                  AND (?5 IS NULL OR r.machine_id = ?5)
                ORDER BY r.seq
                """, arguments: [base, knownSeq, time, scope, machine])
        {
            items.append(
                Item(
                    seq: row["seq"], recordedAt: row["recorded_at"],
                    what: "retirement of \(row["machine_id"] as String) from \(row["retired_at"] as String) "
                        + "(\(row["source"] as String), matched by \(row["matched_by"] as String))",
                    by: row["run_source"] as String? ?? "import"))
        }
        // Exceptions from an earlier day than they were recorded, and offboardings recorded by hand afterwards.
        for row in try Row.fetchAll(
            db,
            sql: """
                SELECT e.seq, e.recorded_at,
                    'exception ' || x.seq || ' of ' || x.machine_id || ' in state ' || x.state || ' from '
                        || x.valid_from || ' until ' || x.until_date AS what, 'exception add' AS by
                FROM finding_exceptions x JOIN events e ON e.run = x.run AND e.kind = 'run_committed'
                WHERE e.seq > ?1 AND e.seq <= ?2 AND x.valid_from <= ?3 AND x.tenant IN (SELECT value FROM json_each(?4))
                  AND (?5 IS NULL OR x.machine_id = ?5)
                UNION ALL
                SELECT e.seq, e.recorded_at,
                    'offboarding of ' || m.machine_id || ' done at ' || m.offboarded_at || ' (manual-' || m.seq || ')',
                    'offboard --record-manual'
                FROM manual_offboards m JOIN events e ON e.run = m.run AND e.kind = 'run_committed'
                WHERE e.seq > ?1 AND e.seq <= ?2 AND m.offboarded_at <= ?3 AND m.tenant IN (SELECT value FROM json_each(?4))
                  AND (?5 IS NULL OR m.machine_id = ?5)
                """, arguments: [base, knownSeq, time, scope, machine])
        {
            items.append(Item(seq: row["seq"], recordedAt: row["recorded_at"], what: row["what"], by: row["by"]))
        }
        for row in try Row.fetchAll(
            db,
            sql: """
                SELECT e.seq, e.recorded_at, e.run, e.occurred_at, e.payload ->> '$.kind' AS run_kind,
                       e.payload ->> '$.source' AS run_source
                FROM events e
                WHERE e.kind = 'run_committed' AND e.payload ->> '$.retirements' IS NULL AND e.seq > ? AND e.seq <= ?
                  AND e.occurred_at <= ? AND e.tenant IN (SELECT value FROM json_each(?))
                  AND (?5 IS NULL
                       OR EXISTS (SELECT 1 FROM machine_observations o WHERE o.run = e.run AND o.machine_id = ?5)
                       OR EXISTS (SELECT 1 FROM machine_action_observations o WHERE o.run = e.run AND o.machine_id = ?5)
                       OR EXISTS (SELECT 1 FROM device_sightings d JOIN device_keys k ON k.key = d.device
                                  WHERE d.run = e.run AND k.machine_id = ?5))
                ORDER BY e.seq
                """, arguments: [base, knownSeq, time, scope, machine])
        {
            items.append(
                Item(
                    seq: row["seq"], recordedAt: row["recorded_at"],
                    what: "run \(row["run"] as Int64) dated \(row["occurred_at"] as String), at or before this time",
                    by: "\(row["run_kind"] as String? ?? "run") \(row["run_source"] as String? ?? "")"
                        .trimmingCharacters(in: .whitespaces))
            )
        }
        return items.sorted { $0.seq < $1.seq }
    }
}

extension Ledger {
    /// The one way every answer finds its corrections. The cheap steps come first: the base head, then the facts
    /// recorded after it; only when there are some is the answer computed again as known at the base (`changed`),
    /// so an answer with nothing to correct costs two indexed lookups, not a second evaluation.
    func corrections(
        tenants: [Int64], time: String, knownSeq: Int64, machine: String? = nil,
        changed: (KnownAt) throws -> Bool
    ) throws -> ReportCorrections {
        guard
            let base = try dbQueue.read({ db in
                try ReportCorrections.base(db, tenants: tenants, time: time, knownSeq: knownSeq)
            })
        else { return ReportCorrections(base: nil, items: []) }
        var corrections = ReportCorrections(base: "\(base.seq):\(base.hash)", items: [])
        guard base.seq < knownSeq else { return corrections }
        let facts = try dbQueue.read { db in
            try ReportCorrections.facts(
                db, tenants: tenants, time: time, base: base.seq, knownSeq: knownSeq, machine: machine)
        }
        if !facts.isEmpty, try changed(KnownAt(seq: base.seq, hash: base.hash)) { corrections.items = facts }
        return corrections
    }

    /// The head seq an answer without `--known-at` is known at.
    func latestEventSeq() throws -> Int64 {
        try dbQueue.read { try Int64.fetchOne($0, sql: "SELECT max(seq) FROM events") ?? 0 }
    }

    /// The corrections a device list includes, per tenant: facts recorded after the first head at which the list's
    /// time had passed that change the tenant's rows (`devices` prints them under its scope line).
    public func deviceListCorrections(
        tenant: TenantRecord?, asOf: String?, knownAt: KnownAt?
    ) throws -> [String: ReportCorrections] {
        let scope = try tenant.map { [$0] } ?? tenants()
        let known = try knownAt?.seq ?? latestEventSeq()
        var out: [String: ReportCorrections] = [:]
        for t in scope {
            let latest = try dbQueue.read { db in try Self.latestSnapshotTime(db, tenant: t.id, knownSeq: known) }
            guard let time = asOf ?? latest else { continue }
            out[t.name] = try corrections(tenants: [t.id], time: time, knownSeq: known) { base in
                // Every device of the tenant, whatever `--state` the printed list was filtered by.
                try deviceStates(tenant: t, asOf: time, knownAt: base)
                    != deviceStates(tenant: t, asOf: time, knownAt: knownAt)
            }
        }
        return out
    }
}
