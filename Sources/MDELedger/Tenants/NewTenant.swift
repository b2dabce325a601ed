import Foundation

/// A tenant to add with `tenant add`: its name, where its API lives, and any thresholds that differ from the
/// defaults.
public struct NewTenant: Sendable, Hashable {
    public var name: String
    /// The Entra tenant id; nil for a tenant fed by imports only.
    public var tenantId: String?
    public var clientId: String?
    public var api: TenantAPISettings
    /// `LifecyclePolicy.keys` → value text, validated with `LifecyclePolicy.set(_:to:)`.
    public var settings: [String: String]

    public init(
        name: String, tenantId: String? = nil, clientId: String? = nil, api: TenantAPISettings = TenantAPISettings(),
        settings: [String: String] = [:]
    ) {
        self.name = name
        self.tenantId = tenantId
        self.clientId = clientId
        self.api = api
        self.settings = settings
    }

    /// Letters, digits, `.`, `_` and `-`, starting with a letter or digit, at most 64 characters: the name
    /// appears in environment variable names and on command lines.
    /// - Throws: `LedgerError` saying what a name may contain.
    public static func checkedName(_ name: String) throws -> String {
        let allowed = name.unicodeScalars.allSatisfy {
            $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "._-".unicodeScalars.contains($0))
        }
        guard !name.isEmpty, name.count <= 64, allowed, name.first!.isLetter || name.first!.isNumber else {
            throw LedgerError(
                "tenant name '\(name)' is not allowed; use letters, digits, '.', '_' and '-' (at most 64, e.g. contoso-eu)"
            )
        }
        return name
    }
}

/// One tenant as `tenant list` shows it.
public struct TenantDetails: Sendable, Hashable {
    public var record: TenantRecord
    public var api: TenantAPISettings
    public var policy: LifecyclePolicy
    /// Policy keys set for this tenant (the others are defaults).
    public var overridden: Set<String>
    public var devices: Int
    /// `observed_at` of the latest committed run, if any.
    public var lastRun: String?
}
