import AzureAccess
import Foundation

extension MDEEndpoints {
    /// The Microsoft Entra ID login hosts: the public cloud, US Government, China (21Vianet), and the legacy names.
    public static let entraLoginHosts: Set<String> = [
        "login.microsoftonline.com", "login.microsoft.com", "login.windows.net", "login.microsoftonline.us",
        "login.chinacloudapi.cn", "login.partner.microsoftonline.cn",
    ]

    /// `true` when `url` is an https URL on an Entra login host (no other port) or any URL on a literal loopback
    /// address: the only places a token URL stored in a ledger may send the client secret to. Pure.
    /// Microsoft's Defender API domains, commercial and US Government: the documented host, the regional and legacy
    /// hosts under them (`eu.api.security.microsoft.com`, `api-eu.securitycenter.microsoft.com`, …).
    static let defenderAPIDomains = [
        "security.microsoft.com", "securitycenter.microsoft.com", "security.microsoft.us",
        "securitycenter.microsoft.us",
    ]

    /// `true` when `url` is an https URL on a Microsoft Defender API host (no other port) or any URL on a literal
    /// loopback address: the only places an API base URL stored in a ledger may send the bearer token to. Pure.
    public static func isTrustedAPIBaseURL(_ url: URL) -> Bool {
        guard let scheme = url.scheme?.lowercased(), let host = url.host?.lowercased() else { return false }
        if isLoopback(host: host) { return scheme == "https" || scheme == "http" }
        let microsoft = defenderAPIDomains.contains { host == $0 || host.hasSuffix("." + $0) }
        return scheme == "https" && microsoft && (url.port == nil || url.port == 443)
    }

    public static func isTrustedTokenURL(_ url: URL) -> Bool {
        guard let scheme = url.scheme?.lowercased(), let host = url.host?.lowercased() else { return false }
        if isLoopback(host: host) { return scheme == "https" || scheme == "http" }
        return scheme == "https" && entraLoginHosts.contains(host) && (url.port == nil || url.port == 443)
    }
}
