import Foundation
import MDEAPI
import MDELedger

/// The credentials and endpoints a sync uses for one tenant of the ledger.
///
/// Tenant and client id: the tenant's row, else `AZURE_TENANT_ID` / `AZURE_CLIENT_ID`. Secret:
/// `AZURE_CLIENT_SECRET_<NAME>` or `AZURE_CLIENT_SECRET_FILE_<NAME>`, else the plain variables.
/// Cloud: `--cloud`, else the tenant's `cloud` setting, else the commercial cloud; the two must agree.
/// API base URL: `--base-url`, the row's base URL or region, `MDE_API_BASE_URL`, the cloud's API host.
/// Token URL: `--token-url`, the row's token URL, `MDE_TOKEN_URL`, the tenant's Entra v2 endpoint on
/// `AZURE_AUTHORITY_HOST` or the cloud's login host. Scope: the tenant's `scope`, `MDE_TOKEN_SCOPE`, the cloud's.
/// A token URL taken from the row must be an Entra login host or loopback unless `--token-url` or `MDE_TOKEN_URL`
/// names it.
struct TenantConnection {
    var credentials: ClientCredentials
    var endpoints: MDEEndpoints
    var cloud: MicrosoftCloud = .public

    /// - Parameters:
    ///   - ledger: the ledger if it exists already (a first sync has no tenants to read).
    ///   - tenant: `--tenant`, or nil for the only tenant.
    /// - Throws: `LedgerError` for several tenants without `--tenant` or a missing secret, `MDEConfigurationError`
    ///   for an unusable URL or secret file.
    static func resolve(
        ledger: Ledger?, tenant: String?, baseURL: String?, tokenURL: String?, env: [String: String],
        credential: CredentialKind = .auto, algorithm: AssertionAlgorithm = .ps256, cloud: MicrosoftCloud? = nil
    ) throws -> TenantConnection {
        var record: TenantRecord?
        if let ledger {
            let all = try ledger.tenants()
            if let tenant {
                record = all.first { $0.name == tenant }  // a new name: the sync creates the tenant
            } else if all.count > 1 {
                _ = try ledger.resolveTenant(TenantSelection(), create: false)  // throws, listing the tenants
            } else {
                record = all.first
            }
        }
        let api = try record.map { try ledger!.apiSettings(for: $0) } ?? TenantAPISettings()
        let azure = try TenantSecrets.environment(
            tenant: tenant ?? record?.name, tenantId: record?.tenantId, clientId: record?.clientId, from: env,
            managedIdentity: credential == .managedIdentity
                || (credential == .auto && ManagedIdentity.isAnnounced(in: env)))
        let credentials = try ClientCredentials.fromEnvironment(azure, kind: credential, algorithm: algorithm)
        func setting(_ name: String) -> String? { env[name].flatMap { $0.isEmpty ? nil : $0 } }
        let cloud = try resolveCloud(option: cloud, stored: api, tenant: record?.name ?? tenant ?? "default")
        let base = baseURL ?? api.effectiveBaseURL ?? setting("MDE_API_BASE_URL") ?? cloud.apiBaseURL
        let token =
            tokenURL ?? api.tokenURL ?? setting("MDE_TOKEN_URL")
            ?? cloud.tokenURL(tenantId: credentials.tenantId, authorityHost: setting("AZURE_AUTHORITY_HOST"))
        let scope =
            try api.scope ?? setting("MDE_TOKEN_SCOPE").map { try MicrosoftCloud.checkedScope($0) }
            ?? cloud.scope
        if tokenURL == nil, let stored = api.tokenURL, stored != setting("MDE_TOKEN_URL") {
            try checkStoredTokenURL(stored, tenant: record?.name ?? "?")
        }
        if baseURL == nil, let stored = api.effectiveBaseURL, stored != setting("MDE_API_BASE_URL") {
            try checkStoredBaseURL(stored, tenant: record?.name ?? "?")
        }
        return TenantConnection(
            credentials: credentials, endpoints: try MDEEndpoints(baseURL: base, tokenURL: token, scope: scope),
            cloud: cloud)
    }

    /// The run's cloud: `--cloud` and the tenant's stored cloud must not disagree (a gcc-high tenant's secret
    /// would otherwise be sent to the commercial login host), and a region belongs to the commercial cloud.
    static func resolveCloud(option: MicrosoftCloud?, stored api: TenantAPISettings, tenant: String) throws
        -> MicrosoftCloud
    {
        let stored = try api.cloud.map { try MicrosoftCloud.named($0) }
        if let option, let stored, option != stored {
            throw LedgerError(
                "--cloud \(option.rawValue) disagrees with tenant '\(tenant)', which is in cloud \(stored.rawValue); "
                    + "drop --cloud, or change the tenant with 'mde-ledger tenant set \(tenant) cloud \(option.rawValue)'"
            )
        }
        let cloud = option ?? stored ?? .public
        if let region = api.region, cloud.regionHosts[region] == nil {
            throw LedgerError(
                "tenant '\(tenant)' has region '\(region)', a host of the commercial cloud, but is in cloud "
                    + "\(cloud.rawValue); clear it with 'mde-ledger tenant set \(tenant) region default'")
        }
        return cloud
    }

    /// The connection the API options of a command name.
    static func resolve(ledger: Ledger?, options api: APIOptions, env: [String: String]) throws -> TenantConnection {
        try resolve(
            ledger: ledger, tenant: api.tenant, baseURL: api.baseURL, tokenURL: api.tokenURL, env: env,
            credential: api.credential, algorithm: api.assertionAlgorithm, cloud: api.cloud)
    }

    /// A ledger can come from someone else, and its token URL receives the client secret: one the ledger chose
    /// must be an Entra login host or loopback unless this run names it explicitly (flag or environment).
    static func checkStoredBaseURL(_ stored: String, tenant: String) throws {
        if let url = URL(string: stored), MDEEndpoints.isTrustedAPIBaseURL(url) { return }
        throw LedgerError(
            "the ledger's API base URL for tenant '\(tenant)' is \(ErrorText.quoted(stored)), not a Microsoft Defender "
                + "API host (api.security.microsoft.com, its regional hosts, the US Government clouds) nor loopback, "
                + "and every call's access token would be sent there; if you trust it, allow it for this run with "
                + "--base-url '\(stored)' or MDE_API_BASE_URL='\(stored)'")
    }

    static func checkStoredTokenURL(_ stored: String, tenant: String) throws {
        if let url = URL(string: stored), MDEEndpoints.isTrustedTokenURL(url) { return }
        throw LedgerError(
            "the ledger's token URL for tenant '\(tenant)' is \(ErrorText.quoted(stored)), not a Microsoft Entra login "
                + "host (login.microsoftonline.com and the sovereign clouds) nor loopback, and the client secret would "
                + "be sent there; if you trust it, allow it for this run with --token-url '\(stored)' or "
                + "MDE_TOKEN_URL='\(stored)'")
    }
}
