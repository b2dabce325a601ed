import Foundation
import GRDB
import MDEAPI

/// Where one tenant's API and token endpoint live: the `tenants` row's `region`, `base_url`, `token_url`, and the
/// `cloud` and `scope` tenant settings.
///
/// Unset values fall back, in the sync, to `MDE_API_BASE_URL` / `MDE_TOKEN_URL` / `MDE_TOKEN_SCOPE` and then the
/// cloud's defaults.
public struct TenantAPISettings: Sendable, Hashable {
    /// A regional API host of the commercial cloud (`MicrosoftCloud.regionHosts`).
    public var region: String?
    /// An explicit API base URL; wins over `region`.
    public var baseURL: String?
    /// An explicit OAuth2 token endpoint (the simulator, a private endpoint).
    public var tokenURL: String?
    /// `public`, `gcc`, `gcc-high` or `dod`; nil is the commercial cloud.
    public var cloud: String?
    /// A token scope that replaces the cloud's (`MicrosoftCloud.scope`).
    public var scope: String?

    public init(
        region: String? = nil, baseURL: String? = nil, tokenURL: String? = nil, cloud: String? = nil,
        scope: String? = nil
    ) {
        self.region = region
        self.baseURL = baseURL
        self.tokenURL = tokenURL
        self.cloud = cloud
        self.scope = scope
    }

    /// The keys stored in `tenant_settings` rather than in the tenant's row.
    static let settingKeys = ["cloud", "scope"]

    /// The regional API hosts Microsoft lists as "use a server closer to your geo location".
    public static let regionHosts = MicrosoftCloud.public.regionHosts

    /// The stored base URL, else the region's host, else nil (the caller's default applies).
    public var effectiveBaseURL: String? { baseURL ?? region.flatMap { Self.regionHosts[$0] } }

    /// A region name, lower-cased.
    /// - Throws: `LedgerError` listing the known regions.
    public static func checkedRegion(_ text: String) throws -> String {
        let region = text.lowercased()
        guard regionHosts[region] != nil else {
            throw LedgerError(
                "unknown region '\(text)'; use one of \(regionHosts.keys.sorted().joined(separator: ", "))")
        }
        return region
    }

    /// A cloud name, lower-cased.
    /// - Throws: `LedgerError` listing the clouds.
    public static func checkedCloud(_ text: String) throws -> String {
        do { return try MicrosoftCloud.named(text).rawValue } catch let error as MDEConfigurationError {
            throw LedgerError(error.message)
        }
    }

    /// A scope override.
    /// - Throws: `LedgerError` with an example.
    public static func checkedScope(_ text: String) throws -> String {
        do { return try MicrosoftCloud.checkedScope(text) } catch let error as MDEConfigurationError {
            throw LedgerError(error.message)
        }
    }

    /// Reads a tenant's settings: its row's URLs and region, and the cloud and scope settings.
    static func load(_ db: Database, tenant: Int64) throws -> TenantAPISettings {
        let row = try Row.fetchOne(
            db, sql: "SELECT region, base_url, token_url FROM tenants WHERE id = ?", arguments: [tenant])
        let settings = try Dictionary(
            uniqueKeysWithValues: Row.fetchAll(
                db, sql: "SELECT key, value FROM tenant_settings WHERE tenant = ? AND key IN ('cloud', 'scope')",
                arguments: [tenant]
            ).map { ($0["key"] as String, $0["value"] as String) })
        return TenantAPISettings(
            region: row?["region"], baseURL: row?["base_url"], tokenURL: row?["token_url"], cloud: settings["cloud"],
            scope: settings["scope"])
    }

    /// A URL the client would accept: https, or plain http to a loopback host only.
    /// - Throws: `LedgerError` with the client's reason.
    public static func checkedURL(_ text: String, name: String) throws -> String {
        do {
            let url = try MDEEndpoints(baseURL: text, tokenURL: text).baseURL
            return url.absoluteString
        } catch let error as MDEConfigurationError {
            throw LedgerError("\(name): \(error.message)")
        }
    }
}
