import Foundation
import GRDB

/// A tenant's licence entitlements and the window in which a device counts against them.
/// `tenant set NAME licenses.clients 900`; an unset entitlement means reports make no comparison.
public struct LicenceSettings: Sendable, Hashable {
    /// Client licences bought (Windows, macOS); nil when not set.
    public var clients: Int?
    /// Server licences bought (Windows Server, Linux); nil when not set.
    public var servers: Int?
    /// A device counts against a licence while onboarded and seen within this many days (30 by default).
    public var windowDays = 30

    public init() {}

    /// The settings keys, as `tenant set NAME KEY VALUE` and `tenant_settings.key` spell them.
    public static let keys = ["licenses.clients", "licenses.servers", "license_window_days"]

    /// Checks a value for a key and returns it as stored.
    /// - Throws: `LedgerError` naming the allowed range.
    public static func checked(_ key: String, _ text: String) throws -> Int {
        let range = key == "license_window_days" ? 1...3650 : 0...100_000_000
        guard let value = Int(text), range.contains(value) else {
            throw LedgerError(
                "\(key) must be a whole number from \(range.lowerBound) to \(range.upperBound), not '\(text)'")
        }
        return value
    }

    static func load(_ db: Database, tenant: Int64) throws -> LicenceSettings {
        var settings = LicenceSettings()
        for row in try Row.fetchAll(
            db, sql: "SELECT key, value FROM tenant_settings WHERE tenant = ?", arguments: [tenant])
        {
            let key: String = row["key"]
            guard keys.contains(key), let value = Int(row["value"] as String) else { continue }
            switch key {
            case "licenses.clients": settings.clients = value
            case "licenses.servers": settings.servers = value
            default: settings.windowDays = value
            }
        }
        return settings
    }
}
