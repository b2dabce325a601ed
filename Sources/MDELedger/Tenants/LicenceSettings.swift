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
    /// The devices one licensed user may use (Microsoft licenses Defender for Endpoint per user, for up to five
    /// concurrent devices); a user with more counted devices is reported.
    public var devicesPerUser = 5

    public init() {}

    /// The settings keys, as `tenant set NAME KEY VALUE` and `tenant_settings.key` spell them.
    public static let keys = [
        "licenses.clients", "licenses.servers", "license_window_days", "license_devices_per_user",
    ]

    /// Checks a value for a key and returns it as stored.
    /// - Throws: `LedgerError` naming the allowed range.
    public static func checked(_ key: String, _ text: String) throws -> Int {
        let range =
            switch key {
            case "license_window_days": 1...3650
            case "license_devices_per_user": 1...1000
            default: 0...100_000_000
            }
        guard let value = Int(text), range.contains(value) else {
            throw LedgerError(
                "\(key) must be a whole number from \(range.lowerBound) to \(range.upperBound), not '\(text)'")
        }
        return value
    }

    /// The licence settings in force at `asOf`, from the settings history in the hash chain (like the thresholds,
    /// a value changed later does not change an earlier report).
    static func load(_ db: Database, tenant: Int64, asOf: String) throws -> LicenceSettings {
        var settings = LicenceSettings()
        for key in keys {
            let value = try Int.fetchOne(
                db,
                sql: """
                    SELECT value FROM tenant_settings_history
                    WHERE tenant = ? AND key = ? AND effective_at <= ?
                      AND seq <= (SELECT known_seq FROM lifecycle_knowledge)
                    ORDER BY seq DESC LIMIT 1
                    """, arguments: [tenant, key, asOf])
            guard let value else { continue }
            switch key {
            case "licenses.clients": settings.clients = value
            case "licenses.servers": settings.servers = value
            case "license_devices_per_user": settings.devicesPerUser = value
            default: settings.windowDays = value
            }
        }
        return settings
    }
}
