import Foundation
import GRDB
import MDEAPI

/// The Swift step of migration 0006: rewrites history written before it into the compact shape, inside the
/// migration's transaction, and re-anchors the chain.
///
/// Every observation's raw JSON moves into `raw_documents` (lastSeen cut out where possible); an observation
/// whose only change from the device's previous one is lastSeen becomes a `device_sightings` row. The
/// rewritten rows no longer match the digests in the old `run_committed` events, so one `history_reshaped`
/// event records the chain head before the change, which old runs' digests still matched, and each run's new
/// (version 3) digest; `verify` checks old runs against it from then on.
enum HistoryReshape {
    static func run(_ db: Database, migration: String, clock: LedgerClock) throws {
        let oldHead = try Row.fetchOne(db, sql: "SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1")
        let mismatched = try oldDigestMismatches(db)
        var counts = Counts()
        try rewriteObservations(db, counts: &counts)
        guard let oldHead else { return }
        var digests: [String: JSONValue] = [:]
        for run in try Int64.fetchAll(db, sql: "SELECT id FROM sync_runs WHERE status = 'committed' ORDER BY id") {
            digests[String(run)] = .string(try RunDigest.compute(db, run: run, version: 3))
        }
        let events = try EventAppender(db, clock: clock)
        try events.append(
            kind: "history_reshaped", subject: "migration:\(migration)", tenant: nil, run: nil,
            occurredAt: clock.nowText(),
            payload: .object([
                "old_head": .string("\(oldHead[0] as Int64):\(oldHead[1] as String)"),
                "old_digests_mismatched": .array(mismatched.map { .int($0) }),
                "digest_version": .int(3),
                "run_digests": .object(digests),
                "observations_kept": .int(Int64(counts.kept)),
                "observations_to_sightings": .int(Int64(counts.sightings)),
                "documents": .int(try Int64.fetchOne(db, sql: "SELECT count(*) FROM raw_documents") ?? 0),
            ]))
    }

    private struct Counts {
        var kept = 0
        var sightings = 0
    }

    /// Runs whose history no longer matched their own digest before the rewrite (empty for an intact ledger).
    private static func oldDigestMismatches(_ db: Database) throws -> [Int64] {
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT run, payload ->> '$.observations_sha256' AS digest,
                       COALESCE(payload ->> '$.digest_version', 1) AS version
                FROM events WHERE kind = 'run_committed' AND run IS NOT NULL ORDER BY seq
                """)
        return try rows.compactMap { row in
            guard let digest: String = row["digest"] else { return nil }
            let run: Int64 = row["run"]
            return try RunDigest.compute(db, run: run, version: row["version"]) == digest ? nil : run
        }
    }

    /// What the previous observation of a device looked like, to tell a lastSeen-only change.
    private struct Previous {
        var present: Bool
        var others: [DatabaseValue]
        var template: Data?
        var offset: Int?
    }

    /// The tracked columns of a schema-5 `machine_observations` row: a literal, because this step reads ledgers
    /// of that schema whatever columns later versions track.
    static let schema5Tracked = [
        "computer_dns_name", "aad_device_id", "os_platform", "os_version", "onboarding_status", "health_status",
        "first_seen", "last_seen", "rbac_group_id", "rbac_group_name", "machine_tags", "merged_into_machine_id",
        "is_excluded",
    ]

    private static let others = schema5Tracked.filter { $0 != "last_seen" }

    private static func rewriteObservations(_ db: Database, counts: inout Counts) throws {
        var previous: [String: Previous] = [:]
        var after: Int64 = 0
        let columns = (["seq", "tenant", "machine_id", "run", "present", "raw_json"] + schema5Tracked)
            .joined(separator: ", ")
        while true {
            // In batches by seq (time order), so memory stays bounded on a large ledger.
            let rows = try Row.fetchAll(
                db, sql: "SELECT \(columns) FROM machine_observations WHERE seq > ? ORDER BY seq LIMIT 5000",
                arguments: [after])
            guard let last = rows.last else { return }
            after = last["seq"]
            for row in rows { try rewrite(db, row, previous: &previous, counts: &counts) }
        }
    }

    private static func rewrite(
        _ db: Database, _ row: Row, previous: inout [String: Previous], counts: inout Counts
    ) throws {
        let seq: Int64 = row["seq"]
        let tenant: Int64 = row["tenant"]
        let machine: String = row["machine_id"]
        let deviceKey = "\(tenant)/\(machine)"
        guard (row["present"] as Int) == 1, let raw: String = row["raw_json"] else {
            previous[deviceKey] = Previous(present: false, others: [], template: nil, offset: nil)
            return
        }
        let lastSeen: String? = row["last_seen"]
        let split = LastSeenSplit.split(raw).flatMap {
            UTCTime.format(epochSeconds: $0.seconds) == lastSeen ? $0 : nil
        }
        let others = Self.others.map { row[$0] as DatabaseValue }
        let template = split.map { DocumentStore.address($0.template) }
        if let split, let before = previous[deviceKey], before.present, before.others == others,
            before.template == template, before.offset == split.offset
        {
            let key = try DeviceKeys.key(db, tenant: tenant, machineId: machine)
            try db.execute(
                sql: "INSERT INTO device_sightings (run, device, last_seen, fraction) VALUES (?, ?, ?, ?)",
                arguments: [row["run"] as Int64, key, split.seconds, split.fraction])
            try db.execute(sql: "DELETE FROM machine_observations WHERE seq = ?", arguments: [seq])
            counts.sightings += 1
            return
        }
        let document = try DocumentStore.put(db, body: split?.template ?? raw, address: template)
        try db.execute(
            sql: """
                UPDATE machine_observations SET raw_json = NULL, document = ?, last_seen_offset = ?,
                    last_seen_fraction = ? WHERE seq = ?
                """, arguments: [document, split?.offset, split?.fraction, seq])
        previous[deviceKey] = Previous(present: true, others: others, template: template, offset: split?.offset)
        counts.kept += 1
    }
}
