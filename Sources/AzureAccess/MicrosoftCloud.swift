import Foundation

/// The Microsoft cloud a tenant lives in (`--cloud`): it picks the Defender API host, the Entra login host and the
/// token scope (Microsoft's "Microsoft Defender for Endpoint for US Government customers" page, API section).
public enum MicrosoftCloud: String, Sendable, CaseIterable {
    /// The commercial cloud.
    case `public`
    /// GCC: the commercial sign-in with the US Government API host.
    case gcc
    case gccHigh = "gcc-high"
    case dod

    /// The Defender API base URL Microsoft documents for the cloud.
    public var apiBaseURL: String {
        switch self {
        case .public: "https://api.security.microsoft.com"
        case .gcc: "https://api-gcc.securitycenter.microsoft.us"
        case .gccHigh, .dod: "https://api-gov.securitycenter.microsoft.us"
        }
    }

    /// The Entra ID login host of the cloud's tenants.
    public var loginHost: String {
        switch self {
        case .public, .gcc: "login.microsoftonline.com"
        case .gccHigh, .dod: "login.microsoftonline.us"
        }
    }

    /// The client-credentials scope. Microsoft documents the commercial one only; the US Government scopes are the
    /// WindowsDefenderATP app's identifier URIs as maintained integrations use them, and a tenant can override
    /// them (`tenant set NAME scope …`, `MDE_TOKEN_SCOPE`).
    public var scope: String {
        switch self {
        case .public: "https://api.securitycenter.microsoft.com/.default"
        case .gcc: "https://securitycenter.onmicrosoft.com/windowsatpservice/.default"
        case .gccHigh, .dod: "https://securitycenter.onmicrosoft.us/windowsatpservice/.default"
        }
    }

    /// Whether Microsoft's documentation states `scope` for this cloud (docs/credentials.md says which do not).
    public var scopeIsDocumented: Bool { self == .public }

    /// The regional API hosts of the cloud (`tenant set NAME region eu`): Microsoft's "use a server closer to your
    /// geo location" list, plus `ina` and `aea` from the live API pages. The US Government clouds have none.
    public var regionHosts: [String: String] {
        guard self == .public else { return [:] }
        return Dictionary(
            uniqueKeysWithValues: ["us", "eu", "uk", "au", "swa", "ina", "aea"].map {
                ($0, "https://\($0).api.security.microsoft.com")
            })
    }

    /// The Entra ID v2 token endpoint of a tenant in this cloud, on `authorityHost` when given
    /// (`AZURE_AUTHORITY_HOST`, a host or an https URL).
    public func tokenURL(tenantId: String, authorityHost: String? = nil) -> String {
        let tenant = tenantId.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"]))
        var authority = authorityHost ?? "https://\(loginHost)"
        if !authority.contains("://") { authority = "https://" + authority }
        while authority.hasSuffix("/") { authority.removeLast() }
        return "\(authority)/\(tenant ?? tenantId)/oauth2/v2.0/token"
    }

    /// A cloud name as `--cloud` and `tenant set NAME cloud` take it.
    /// - Throws: `MDEConfigurationError` listing the clouds.
    public static func named(_ text: String) throws -> MicrosoftCloud {
        guard let cloud = MicrosoftCloud(rawValue: text.lowercased()) else {
            throw MDEConfigurationError(
                "unknown cloud '\(text)'; use one of \(allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return cloud
    }

    /// A scope override: an absolute https resource URI ending in `/.default` (client credentials need it).
    /// - Throws: `MDEConfigurationError` with an example.
    public static func checkedScope(_ text: String) throws -> String {
        guard let url = URL(string: text), url.scheme?.lowercased() == "https", url.host != nil,
            text.hasSuffix("/.default"), !text.contains(where: \.isWhitespace)
        else {
            throw MDEConfigurationError(
                "scope '\(text)' is not a resource URI ending in /.default; use e.g. \(MicrosoftCloud.public.scope)")
        }
        return text
    }
}
