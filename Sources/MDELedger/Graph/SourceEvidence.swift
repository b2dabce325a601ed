import Foundation
import GRDB

/// What Intune and Entra said about one device over time, for `status`: the Graph history (`source_observations`)
/// joined by the device's Entra device id, up to the as-of time and as known at the knowledge point.
enum SourceEvidence {
    /// The fields each source's entries show, in order, with their labels.
    /// Each is selected as `f_<field>` from the observation's document.
    static let fields: [String: [(field: String, label: String)]] = [
        "intune": [
            ("deviceName", "name"), ("managementState", "managementState"), ("userPrincipalName", "primary user"),
            ("complianceState", "compliance"),
        ],
        "entra": [("displayName", "name"), ("accountEnabled", "accountEnabled")],
    ]

    static func collect(
        _ db: Database, tenant: Int64, aadDeviceId: String?, asOf: String, into out: inout [DeviceStatus.Evidence]
    ) throws {
        guard let key = aadDeviceId?.lowercased(), !key.trimmingCharacters(in: .whitespaces).isEmpty,
            key != "00000000-0000-0000-0000-000000000000"
        else { return }
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT o.source, o.object_id, o.observed_at, o.present, o.activity_at,
                       d.body ->> '$.deviceName' AS f_deviceName, d.body ->> '$.managementState' AS f_managementState,
                       d.body ->> '$.userPrincipalName' AS f_userPrincipalName,
                       d.body ->> '$.complianceState' AS f_complianceState,
                       d.body ->> '$.displayName' AS f_displayName,
                       CASE d.body ->> '$.accountEnabled' WHEN 1 THEN 'true' WHEN 0 THEN 'false' END
                           AS f_accountEnabled
                FROM source_observations o LEFT JOIN raw_documents d ON d.id = o.document
                WHERE o.tenant = ? AND o.join_key = ? AND o.source IN ('intune', 'entra') AND o.observed_at <= ?
                  AND o.run <= (SELECT known_run FROM lifecycle_knowledge)
                ORDER BY o.source, o.object_id, o.seq
                """, arguments: [tenant, key, asOf])
        var previous: [String: Row] = [:]
        for row in rows {
            let source: String = row["source"]
            let object: String = row["object_id"]
            let kind = source == "intune" ? "intune" : "entra"
            let what = source == "intune" ? "Intune managed device \(object)" : "Entra device object \(object)"
            let before = previous["\(source) \(object)"]
            previous["\(source) \(object)"] = row
            if (row["present"] as Int) == 0 {
                out.append(.init(time: row["observed_at"], kind: kind, detail: "\(what) no longer listed"))
                continue
            }
            let labelled = (fields[source] ?? []).map { ($0.label, row["f_" + $0.field] as String?) }
            guard let before, (before["present"] as Int) == 1 else {
                let facts = labelled.compactMap { label, value in value.map { "\(label) \($0)" } }
                let verb = before == nil ? "first read from Graph" : "listed again"
                out.append(
                    .init(
                        time: row["observed_at"], kind: kind,
                        detail: "\(what) \(verb): " + facts.joined(separator: ", ")))
                continue
            }
            let changes = (fields[source] ?? []).compactMap { field -> String? in
                let old: String? = before["f_" + field.field]
                let new: String? = row["f_" + field.field]
                return old == new ? nil : "\(field.label) \(old ?? "-") → \(new ?? "-")"
            }
            if !changes.isEmpty {
                out.append(
                    .init(time: row["observed_at"], kind: kind, detail: "\(what): " + changes.joined(separator: "; ")))
            }
        }
    }
}
