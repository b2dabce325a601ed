import Foundation
import GRDB
import MDEAPI

/// The history of what Graph showed (`source_observations`), written on change only, and what it proves.
enum SourceHistory {
    /// Writes a row for each object of a whole listing that is new or changed, and one for each object that was
    /// present before and is missing now.
    static func write(
        _ db: Database, tenant: Int64, run: Int64, observedAt: String, listing: SourceListing
    ) throws -> (changed: Int, gone: Int) {
        var latest: [String: (present: Bool, address: Data?, joinKey: String?)] = [:]
        let rows = try Row.fetchCursor(
            db,
            sql: """
                SELECT o.object_id, o.present, d.sha256, o.join_key FROM source_observations o
                LEFT JOIN raw_documents d ON d.id = o.document
                WHERE o.seq IN (SELECT max(seq) FROM source_observations WHERE tenant = ? AND source = ?
                                GROUP BY object_id)
                """, arguments: [tenant, listing.kind.rawValue])
        while let row = try rows.next() {
            latest[row[0]] = (row[1], row[2], row[3])
        }
        let insert = try db.cachedStatement(
            sql: """
                INSERT INTO source_observations (tenant, source, object_id, join_key, run, observed_at, present,
                    activity_at, document) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
        var changed = 0
        var listed = Set<String>()
        for object in listing.objects where listed.insert(object.id).inserted {
            let body = object.document.canonicalText()
            let address = DocumentStore.address(body)
            if let before = latest[object.id], before.present, before.address == address { continue }
            let document = try DocumentStore.put(db, body: body, address: address)
            try insert.execute(arguments: [
                tenant, listing.kind.rawValue, object.id, object.joinKey, run, observedAt, true, object.activityAt,
                document,
            ])
            changed += 1
        }
        var gone = 0
        for (id, before) in latest.sorted(by: { $0.key < $1.key }) where before.present && !listed.contains(id) {
            try insert.execute(arguments: [
                tenant, listing.kind.rawValue, id, before.joinKey, run, observedAt, false, nil, nil,
            ])
            gone += 1
        }
        return (changed, gone)
    }

    /// Entra's retirements as its history shows them now: a device gone from the (whole) device list was deleted,
    /// dated when the ledger first saw it gone; a device listed with `accountEnabled` false is disabled, dated when
    /// the ledger first saw it disabled (Entra does not say when; its audit log needs another permission).
    static func entraRetirements(_ db: Database, tenant: Int64) throws -> [SourceRetirement] {
        let rows = try Row.fetchAll(
            db,
            sql: """
                WITH latest AS (
                    SELECT o.* FROM source_observations o
                    WHERE o.seq IN (SELECT max(seq) FROM source_observations WHERE tenant = ? AND source = 'entra'
                                    GROUP BY object_id)
                ),
                shown AS (
                    SELECT l.*, d.body AS document,
                        (SELECT max(x.seq) FROM source_observations x
                         WHERE x.tenant = l.tenant AND x.source = 'entra' AND x.object_id = l.object_id
                           AND x.present = 1 AND x.seq < l.seq) AS last_present
                    FROM latest l LEFT JOIN raw_documents d ON d.id = l.document
                    WHERE l.join_key IS NOT NULL
                      AND (l.present = 0 OR d.body ->> '$.accountEnabled' = 0)
                )
                SELECT s.object_id, s.join_key, s.present, s.observed_at,
                    -- Deleted: the last listing that still had it. Disabled: the first row of this disabled spell.
                    (SELECT x.observed_at FROM source_observations x WHERE x.seq = s.last_present) AS last_listed_at,
                    (SELECT d.body ->> '$.displayName' FROM source_observations x
                     JOIN raw_documents d ON d.id = x.document WHERE x.seq = COALESCE(s.last_present, s.seq)) AS name,
                    (SELECT min(x.observed_at) FROM source_observations x
                     JOIN raw_documents d ON d.id = x.document
                     WHERE x.tenant = s.tenant AND x.source = 'entra' AND x.object_id = s.object_id
                       AND d.body ->> '$.accountEnabled' = 0
                       AND x.seq > COALESCE((
                           SELECT max(y.seq) FROM source_observations y LEFT JOIN raw_documents e ON e.id = y.document
                           WHERE y.tenant = s.tenant AND y.source = 'entra' AND y.object_id = s.object_id
                             AND (y.present = 0 OR e.body ->> '$.accountEnabled' IS NOT 0)), 0)) AS disabled_since
                FROM shown s ORDER BY s.object_id
                """, arguments: [tenant])
        return rows.map { row in
            let (object, deviceId, name): (String, String, String?) = (row["object_id"], row["join_key"], row["name"])
            let label = "Entra device \(name ?? "-") (object \(object), deviceId \(deviceId))"
            if row["present"] as Bool {
                let since: String = row["disabled_since"] ?? row["observed_at"]
                return SourceRetirement(
                    aadDeviceId: deviceId, retiredAt: since, reference: "entra:\(object)",
                    evidence: "\(label) disabled (accountEnabled false), first seen disabled at \(since)",
                    rule: .entraDisable)
            }
            let goneAt: String = row["observed_at"]
            let listedAt: String? = row["last_listed_at"]
            return SourceRetirement(
                aadDeviceId: deviceId, retiredAt: goneAt, reference: "entra:\(object)",
                evidence: "\(label) deleted: no longer in Entra's device list at \(goneAt)"
                    + (listedAt.map { ", last listed at \($0)" } ?? ""),
                rule: .entraDelete)
        }
    }

    /// Where a machine stands for a source fact.
    enum Standing { case open, recorded, retiredElsewhere }

    /// `recorded`: this fact (same source object, time and evidence) was recorded for the machine before — it
    /// stays as it is, and stays withdrawn if it was withdrawn. `retiredElsewhere`: the machine's current
    /// retirement comes from another source object or list. `open`: record it (the machine is not retired, or its
    /// retirement came from the same source object with other evidence, such as the audit event arriving later).
    static func standing(_ db: Database, tenant: Int64, machineId: String, fact: SourceRetirement) throws -> Standing {
        let seen =
            try Bool.fetchOne(
                db,
                sql: """
                    SELECT EXISTS (SELECT 1 FROM retirements WHERE tenant = ? AND machine_id = ? AND source = ?
                                   AND retired_at = ? AND note IS ?)
                    """, arguments: [tenant, machineId, fact.reference, fact.retiredAt, fact.evidence]) ?? false
        if seen { return .recorded }
        let current = try Row.fetchOne(
            db,
            sql: """
                SELECT r.source FROM retirements r WHERE r.tenant = ? AND r.machine_id = ?
                  AND NOT EXISTS (SELECT 1 FROM retirement_withdrawals w
                                  WHERE w.tenant = r.tenant AND w.machine_id = r.machine_id AND w.retirement >= r.seq)
                ORDER BY r.seq DESC LIMIT 1
                """, arguments: [tenant, machineId])
        guard let current else { return .open }
        return current["source"] as String == fact.reference ? .open : .retiredElsewhere
    }
}
