import Foundation
import GRDB

/// A tenant's offboarding limits: `tenant set NAME max_offboard_per_run 250`.
public struct OffboardSettings: Sendable, Hashable {
    /// The largest selection one `offboard` run sends without `--allow-large-plan` or an approved `--plan` file.
    public var maxPerRun = 100

    public init() {}

    public static let keys = ["max_offboard_per_run"]

    /// Checks a value for a key and returns it as stored.
    /// - Throws: `LedgerError` naming the allowed range.
    public static func checked(_ key: String, _ text: String) throws -> Int {
        guard let value = Int(text), (1...1_000_000).contains(value) else {
            throw LedgerError("\(key) must be a whole number from 1 to 1000000, not '\(text)'")
        }
        return value
    }

    static func load(_ db: Database, tenant: Int64) throws -> OffboardSettings {
        var settings = OffboardSettings()
        if let text = try String.fetchOne(
            db, sql: "SELECT value FROM tenant_settings WHERE tenant = ? AND key = 'max_offboard_per_run'",
            arguments: [tenant]), let value = Int(text)
        {
            settings.maxPerRun = value
        }
        return settings
    }
}

extension Ledger {
    /// A tenant's offboarding limits (the defaults for keys not set).
    public func offboardSettings(for tenant: TenantRecord) throws -> OffboardSettings {
        try dbQueue.read { db in try OffboardSettings.load(db, tenant: tenant.id) }
    }
}
