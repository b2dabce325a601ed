import Foundation
import GRDB

extension Ledger {
    /// The lifecycle thresholds the views use at T, then the licence settings (`licenses.*` NULL when unset).
    static func reportSettings(_ db: Database, tenants: [TenantRecord], asOf: String) throws -> [ReportResult
        .TenantSettings]
    {
        try tenants.map { tenant in
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT offboard_grace_hours, stale_hours, inactive_days, retention_days, removal_days
                    FROM lifecycle_params WHERE tenant = ?
                    """, arguments: [tenant.id])
            var values: [(key: String, value: ReportValue)] = LifecyclePolicy.thresholdKeys.map { key in
                (key, row.map { ReportValue($0[key] as DatabaseValue) } ?? .null)
            }
            let licences = try LicenceSettings.load(db, tenant: tenant.id, asOf: asOf)
            values.append(("license_window_days", .integer(Int64(licences.windowDays))))
            values.append(("licenses.clients", licences.clients.map { .integer(Int64($0)) } ?? .null))
            values.append(("licenses.servers", licences.servers.map { .integer(Int64($0)) } ?? .null))
            values.append(("license_devices_per_user", .integer(Int64(licences.devicesPerUser))))
            return .init(tenant: tenant.name, values: values)
        }
    }
}
