import Foundation

extension MDEEndpoints {
    /// The Microsoft Entra ID login hosts: the public cloud, US Government, China (21Vianet), and the legacy names.
    public static let entraLoginHosts: Set<String> = [
        "login.microsoftonline.com", "login.microsoft.com", "login.windows.net", "login.microsoftonline.us",
        "login.chinacloudapi.cn", "login.partner.microsoftonline.cn",
    ]

    /// `true` when `url` is an https URL on an Entra login host (no other port) or any URL on a literal loopback
    /// address: the only places a token URL stored in a ledger may send the client secret to. Pure.
    public static func isTrustedTokenURL(_ url: URL) -> Bool {
        guard let scheme = url.scheme?.lowercased(), let host = url.host?.lowercased() else { return false }
        if isLoopback(host: host) { return scheme == "https" || scheme == "http" }
        return scheme == "https" && entraLoginHosts.contains(host) && (url.port == nil || url.port == 443)
    }
}
