import Foundation
import GRDB
import MDEAPI

extension Ledger {
    /// Keys `tenant set NAME KEY VALUE` accepts: the connection settings, then `LifecyclePolicy.keys`.
    public static let tenantKeys =
        ["tenant_id", "client_id", "region", "base_url", "token_url"] + TenantAPISettings.settingKeys
        + LifecyclePolicy.keys + LicenceSettings.keys + OffboardSettings.keys + [RetirementSourceRule.key]

    /// A tenant's lifecycle thresholds: its `tenant_settings`, the documented defaults for keys not set.
    public func policy(for tenant: TenantRecord) throws -> LifecyclePolicy {
        try dbQueue.read { db in try LifecyclePolicy.load(db, tenant: tenant.id) }
    }

    /// Where a tenant's API lives, as stored by `tenant add` / `tenant set` (nil fields: not set).
    public func apiSettings(for tenant: TenantRecord) throws -> TenantAPISettings {
        try dbQueue.read { db in try TenantAPISettings.load(db, tenant: tenant.id) }
    }

    /// Adds a tenant with its settings, and a `tenant_added` event, in one transaction.
    /// - Throws: `LedgerError` for a taken name, a name whose secret variable another tenant already uses,
    ///   or an invalid setting.
    @discardableResult
    public func addTenant(_ new: NewTenant) throws -> TenantRecord {
        let name = try NewTenant.checkedName(new.name)
        var new = new
        new.tenantId = try new.tenantId.map { try Self.checkedConnectionValue("tenant_id", $0) }
        new.clientId = try new.clientId.map { try Self.checkedConnectionValue("client_id", $0) }
        new.api.region = try new.api.region.map { try Self.checkedConnectionValue("region", $0) }
        new.api.baseURL = try new.api.baseURL.map { try Self.checkedConnectionValue("base_url", $0) }
        new.api.tokenURL = try new.api.tokenURL.map { try Self.checkedConnectionValue("token_url", $0) }
        new.api.cloud = try new.api.cloud.map { try Self.checkedConnectionValue("cloud", $0) }
        new.api.scope = try new.api.scope.map { try Self.checkedConnectionValue("scope", $0) }
        var policy = LifecyclePolicy()
        for (key, value) in new.settings { try policy.set(key, to: value) }
        return try dbQueue.write { [new] db in
            let existing = try Self.tenants(db)
            if existing.contains(where: { $0.name == name }) {
                throw LedgerError(
                    "tenant '\(name)' already exists; change it with 'mde-ledger tenant set \(name) KEY VALUE'")
            }
            if let clash = existing.first(where: {
                TenantSecrets.suffix(for: $0.name) == TenantSecrets.suffix(for: name)
            }) {
                throw LedgerError(
                    "tenant '\(name)' would share \(TenantSecrets.variables(for: name).secret) with tenant "
                        + "'\(clash.name)'; choose a name that differs in more than punctuation or case")
            }
            var payload: [String: JSONValue] = [
                "tenant_id": new.tenantId.map(JSONValue.string) ?? .null,
                "client_id": new.clientId.map(JSONValue.string) ?? .null,
                "region": new.api.region.map(JSONValue.string) ?? .null,
                "base_url": new.api.baseURL.map(JSONValue.string) ?? .null,
                "token_url": new.api.tokenURL.map(JSONValue.string) ?? .null,
            ]
            for key in new.settings.keys.sorted() { payload[key] = .int(Int64(policy[key]!)) }
            // Only when given: the starting payload of every other tenant stays as it was.
            if let cloud = new.api.cloud { payload["cloud"] = .string(cloud) }
            if let scope = new.api.scope { payload["scope"] = .string(scope) }
            let record = try Self.insertTenant(
                db, name: name, entraTenantId: new.tenantId, clientId: new.clientId, payload: payload,
                clock: clock)
            try db.execute(
                sql: "UPDATE tenants SET region = ?, base_url = ?, token_url = ? WHERE id = ?",
                arguments: [new.api.region, new.api.baseURL, new.api.tokenURL, record.id])
            for key in new.settings.keys.sorted() {
                try Self.storeSetting(db, tenant: record.id, key: key, value: policy[key]!)
            }
            _ = try Self.replaceSetting(db, tenant: record.id, key: "cloud", value: new.api.cloud)
            _ = try Self.replaceSetting(db, tenant: record.id, key: "scope", value: new.api.scope)
            return record
        }
    }

    /// Changes one setting of a tenant and records a `tenant_setting_changed` event with the old and new value.
    ///
    /// `value` `default` removes a threshold (back to the documented default) or clears a connection setting.
    /// - Parameter effectiveAt: when the value takes effect for as-of answers (canonical UTC text); nil means now.
    ///   Answers about times before it keep the earlier value. A backdated change is visible in the chain: its
    ///   event's `occurred_at` is the effective time and `recorded_at` the time it was made.
    /// - Returns: the old value as text (`default` when it was not set).
    /// - Throws: `LedgerError` for an unknown tenant or key, or an invalid value.
    @discardableResult
    public func setTenant(_ name: String, key: String, value: String, effectiveAt: String? = nil) throws -> String {
        guard Self.tenantKeys.contains(key) else {
            throw LedgerError("unknown setting '\(key)'; known: \(Self.tenantKeys.joined(separator: ", "))")
        }
        let clear = value.lowercased() == "default"
        return try dbQueue.write { db in
            let tenant = try Self.resolveTenant(db, TenantSelection(name: name))
            let old: String?
            let new: String?
            if TenantAPISettings.settingKeys.contains(key) {
                new = clear ? nil : try Self.checkedConnectionValue(key, value)
                old = try Self.replaceSetting(db, tenant: tenant.id, key: key, value: new)
            } else if LicenceSettings.keys.contains(key) {
                new = clear ? nil : String(try LicenceSettings.checked(key, value))
                old = try Self.replaceSetting(db, tenant: tenant.id, key: key, value: new)
            } else if key == RetirementSourceRule.key {
                new = clear ? nil : RetirementSourceRule.text(try RetirementSourceRule.parse(value))
                old = try Self.replaceSetting(db, tenant: tenant.id, key: key, value: new)
            } else if OffboardSettings.keys.contains(key) {
                new = clear ? nil : String(try OffboardSettings.checked(key, value))
                old = try Self.replaceSetting(db, tenant: tenant.id, key: key, value: new)
            } else if LifecyclePolicy.keys.contains(key) {
                var policy = LifecyclePolicy()
                if !clear { try policy.set(key, to: value) }
                old = try String.fetchOne(
                    db, sql: "SELECT value FROM tenant_settings WHERE tenant = ? AND key = ?",
                    arguments: [tenant.id, key])
                new = clear ? nil : String(policy[key]!)
                if let new {
                    try Self.storeSetting(db, tenant: tenant.id, key: key, value: Int(new)!)
                } else {
                    try db.execute(
                        sql: "DELETE FROM tenant_settings WHERE tenant = ? AND key = ?", arguments: [tenant.id, key])
                }
            } else {
                new = clear ? nil : try Self.checkedConnectionValue(key, value)
                // The column name is one of five constants checked above, never input.
                old = try String.fetchOne(db, sql: "SELECT \(key) FROM tenants WHERE id = ?", arguments: [tenant.id])
                try db.execute(sql: "UPDATE tenants SET \(key) = ? WHERE id = ?", arguments: [new, tenant.id])
            }
            try EventAppender(db, clock: self.clock).append(
                kind: "tenant_setting_changed", subject: "tenant:\(tenant.name)", tenant: tenant.id, run: nil,
                occurredAt: effectiveAt ?? self.clock.nowText(),
                payload: .object([
                    "key": .string(key), "from": old.map(JSONValue.string) ?? .null,
                    "to": new.map(JSONValue.string) ?? .null,
                ]))
            return old ?? "default"
        }
    }

    /// Every tenant with its settings, device count and latest run, by name.
    public func tenantDetails() throws -> [TenantDetails] {
        try dbQueue.read { db in
            try Self.tenants(db).map { record in
                let keys = try String.fetchSet(
                    db, sql: "SELECT key FROM tenant_settings WHERE tenant = ?", arguments: [record.id])
                return TenantDetails(
                    record: record, api: try TenantAPISettings.load(db, tenant: record.id),
                    policy: try LifecyclePolicy.load(db, tenant: record.id),
                    overridden: keys.intersection(LifecyclePolicy.keys),
                    devices: try Int.fetchOne(
                        db, sql: "SELECT count(*) FROM machines WHERE tenant = ? AND present = 1",
                        arguments: [record.id])
                        ?? 0,
                    lastRun: try Self.latestSnapshotTime(db, tenant: record.id))
            }
        }
    }

    private static func storeSetting(_ db: Database, tenant: Int64, key: String, value: Int) throws {
        try db.execute(
            sql: """
                INSERT INTO tenant_settings (tenant, key, value) VALUES (?, ?, ?)
                ON CONFLICT (tenant, key) DO UPDATE SET value = excluded.value
                """,
            arguments: [tenant, key, String(value)])
    }

    /// Stores or (nil) removes one setting; returns the old value.
    private static func replaceSetting(_ db: Database, tenant: Int64, key: String, value: String?) throws -> String? {
        let old = try String.fetchOne(
            db, sql: "SELECT value FROM tenant_settings WHERE tenant = ? AND key = ?", arguments: [tenant, key])
        if let value {
            try db.execute(
                sql: """
                    INSERT INTO tenant_settings (tenant, key, value) VALUES (?, ?, ?)
                    ON CONFLICT (tenant, key) DO UPDATE SET value = excluded.value
                    """,
                arguments: [tenant, key, value])
        } else {
            try db.execute(sql: "DELETE FROM tenant_settings WHERE tenant = ? AND key = ?", arguments: [tenant, key])
        }
        return old
    }

    private static func checkedConnectionValue(_ key: String, _ value: String) throws -> String {
        switch key {
        case "region": return try TenantAPISettings.checkedRegion(value)
        case "base_url": return try TenantAPISettings.checkedURL(value, name: "base_url")
        case "token_url": return try TenantAPISettings.checkedURL(value, name: "token_url")
        case "cloud": return try TenantAPISettings.checkedCloud(value)
        case "scope": return try TenantAPISettings.checkedScope(value)
        default:
            let trimmed = value.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty, !trimmed.contains(where: { $0.isWhitespace || $0 == "/" }) else {
                throw LedgerError("\(key) '\(value)' is not an id; use the GUID from the Entra app registration")
            }
            return trimmed
        }
    }
}
