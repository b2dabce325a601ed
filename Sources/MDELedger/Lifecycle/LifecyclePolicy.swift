import Foundation

/// The lifecycle thresholds of one tenant. Defaults are the documented MDE behaviour (design.md).
public struct LifecyclePolicy: Sendable, Hashable, Codable {
    /// After an offboard request succeeds, how long `lastSeen` may still advance before it counts as
    /// telemetry after offboarding (a device takes the request at its next report).
    public var offboardGraceHours = 24
    /// `lastSeen` older than this is stale; it lags real activity by up to a day, so well above 24 h.
    public var staleHours = 48
    /// MDE shows a device Inactive after 7 days without signals.
    public var inactiveDays = 7
    /// The tenant's data retention (Settings → Endpoints → Data retention); 180 days by default.
    public var retentionDays = 180
    /// The device profile leaves the inventory no later than this after retention.
    public var removalDays = 180
    /// A complete snapshot that would mark more than this share of present devices removed is refused unless
    /// the run allows it (`--allow-mass-removal`): a wrong tenant or a truncated export must not rewrite history.
    public var maxRemovalPercent = 10

    public init() {}

    /// The settings keys, as `tenant set NAME KEY VALUE` and `tenant_settings.key` spell them.
    public static let keys: [String] = [
        "offboard_grace_hours", "stale_hours", "inactive_days", "retention_days", "removal_days", "max_removal_percent",
    ]

    /// The keys the lifecycle views judge by (`lifecycle_params` columns); every answer states them.
    public static let thresholdKeys = [
        "offboard_grace_hours", "stale_hours", "inactive_days", "retention_days", "removal_days",
    ]

    /// The value of a key, or nil for an unknown key.
    public subscript(key: String) -> Int? {
        switch key {
        case "offboard_grace_hours": offboardGraceHours
        case "stale_hours": staleHours
        case "inactive_days": inactiveDays
        case "retention_days": retentionDays
        case "removal_days": removalDays
        case "max_removal_percent": maxRemovalPercent
        default: nil
        }
    }

    /// Sets a key from text, validating it.
    /// - Throws: `LedgerError` naming the known keys or the allowed range.
    public mutating func set(_ key: String, to text: String) throws {
        if key == "max_removal_percent" {
            guard let value = Int(text), (0...100).contains(value) else {
                throw LedgerError("max_removal_percent must be a whole number from 0 to 100, not '\(text)'")
            }
            maxRemovalPercent = value
            return
        }
        guard let value = Int(text), value >= 1, value <= 3650 else {
            throw LedgerError("\(key) must be a whole number from 1 to 3650, not '\(text)'")
        }
        switch key {
        case "offboard_grace_hours": offboardGraceHours = value
        case "stale_hours": staleHours = value
        case "inactive_days": inactiveDays = value
        case "retention_days": retentionDays = value
        case "removal_days": removalDays = value
        default:
            throw LedgerError("unknown setting '\(key)'; known: \(Self.keys.joined(separator: ", "))")
        }
    }
}
