import Foundation

/// An HTTP proxy: where it is and, for Basic authentication, who to say we are.
public struct ProxyServer: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var user: String?
    /// Never printed: `description` shows the user only.
    public var password: String?

    /// `http://user@host:port`, without the password: safe for messages and logs.
    public var description: String {
        "http://" + (user.map { "\($0)@" } ?? "") + (host.contains(":") ? "[\(host)]" : host) + ":\(port)"
    }
}

/// Which proxy each request goes through, the way curl and Azure's SDKs read it: `--proxy URL`, else
/// `https_proxy`/`HTTPS_PROXY` for https and `http_proxy`/`HTTP_PROXY` for http URLs; `no_proxy`/`NO_PROXY` lists
/// hosts reached directly.
///
/// ```swift
/// let proxies = try ProxyConfiguration(environment: ["HTTPS_PROXY": "http://proxy.corp:8080",
///                                                    "NO_PROXY": ".corp.example,10.0.0.0/8"])
/// proxies.proxy(for: URL(string: "https://api.security.microsoft.com/api/machines")!)  // proxy.corp:8080
/// ```
public struct ProxyConfiguration: Sendable, Hashable {
    /// The proxy for https URLs, and for http URLs; nil: direct.
    public var https: ProxyServer?
    public var http: ProxyServer?
    /// `NO_PROXY`'s entries.
    public var bypass: [ProxyBypass]

    /// No proxy at all.
    public static let direct = ProxyConfiguration(https: nil, http: nil, bypass: [])

    public init(https: ProxyServer?, http: ProxyServer?, bypass: [ProxyBypass]) {
        self.https = https
        self.http = http
        self.bypass = bypass
    }

    /// Reads the proxy settings.
    /// - Parameters:
    ///   - option: `--proxy URL`, which overrides the environment for both schemes.
    ///   - passwordFile: `MDE_LEDGER_PROXY_PASSWORD_FILE`'s contents: the password for a proxy URL that names a user
    ///     without one.
    /// - Throws: `MDEConfigurationError` naming the variable or option and what to write instead.
    public init(environment: [String: String], option: String? = nil, passwordFile: String? = nil) throws {
        func value(_ names: String...) -> (name: String, text: String)? {
            for name in names { if let text = environment[name], !text.isEmpty { return (name, text) } }
            return nil
        }
        func server(_ source: (name: String, text: String)?) throws -> ProxyServer? {
            guard let source else { return nil }
            return try Self.parse(source.text, from: source.name, passwordFile: passwordFile)
        }
        if let option {
            let proxy = try Self.parse(option, from: "--proxy", passwordFile: passwordFile)
            (https, http) = (proxy, proxy)
        } else {
            https = try server(value("https_proxy", "HTTPS_PROXY"))
            http = try server(value("http_proxy", "HTTP_PROXY"))
        }
        bypass = try value("no_proxy", "NO_PROXY").map { try ProxyBypass.parseList($0.text, from: $0.name) } ?? []
    }

    /// The proxy a request to `url` goes through, or nil to connect directly.
    public func proxy(for url: URL) -> ProxyServer? {
        let proxy = url.scheme?.lowercased() == "https" ? https : http
        guard let proxy, let host = url.host else { return proxy }
        let port = url.port ?? (url.scheme?.lowercased() == "https" ? 443 : 80)
        return bypass.contains { $0.matches(host: host, port: port) } ? nil : proxy
    }

    /// Parses `http://[user[:password]@]host[:port]` (a bare `host:port` is taken as http). Only plain-http proxies
    /// work: the tunnel to the service is TLS end to end through a CONNECT request.
    static func parse(_ text: String, from source: String, passwordFile: String?) throws -> ProxyServer {
        let full = text.contains("://") ? text : "http://" + text
        guard let parts = URLComponents(string: full), let host = parts.host, !host.isEmpty else {
            throw MDEConfigurationError(
                "\(source) \(ErrorText.quoted(Self.redacted(text))) is not a proxy URL; write http://host:port")
        }
        guard parts.scheme?.lowercased() == "http" else {
            throw MDEConfigurationError(
                "\(source) uses \(parts.scheme ?? "?")://, but only http:// proxies are supported (the connection to "
                    + "the service is still TLS, tunnelled with CONNECT); write http://\(host):PORT")
        }
        if let port = parts.port, !(1...65_535).contains(port) {
            throw MDEConfigurationError("\(source) has port \(port); a port is 1…65535")
        }
        let user = parts.percentEncodedUser.flatMap { $0.removingPercentEncoding }.flatMap { $0.isEmpty ? nil : $0 }
        var password = parts.percentEncodedPassword.flatMap { $0.removingPercentEncoding }
        if user != nil, password == nil, let passwordFile {
            password = passwordFile.trimmingCharacters(in: .newlines)
        }
        if let password { Secrets.register(password) }
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        return ProxyServer(host: bare, port: parts.port ?? 80, user: user, password: password)
    }

    /// `text` with any password in it replaced by `***`, for messages.
    public static func redacted(_ text: String) -> String {
        text.replacing(/:\/\/([^:@\/]*):[^@\/]*@/) { "://\($0.output.1):***@" }
    }
}

/// One `NO_PROXY` entry: `*`, a host or domain (`example.com` and `.example.com` both match the domain and every
/// host under it), an IP address, or a CIDR range; any of them with `:port` to match that port only.
public enum ProxyBypass: Sendable, Hashable {
    case everything
    case domain(String, port: Int?)
    case network(IPNetwork, port: Int?)

    static func parseList(_ text: String, from source: String) throws -> [ProxyBypass] {
        try text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.map {
            try parse($0, from: source)
        }
    }

    static func parse(_ entry: String, from source: String) throws -> ProxyBypass {
        if entry == "*" { return .everything }
        var name = entry
        var port: Int?
        // `host:port` and `[v6]:port`; a bare IPv6 address has several colons and no port.
        if let colon = name.lastIndex(of: ":"), name.filter({ $0 == ":" }).count == 1 || name.hasPrefix("[") {
            let tail = name[name.index(after: colon)...]
            if let number = Int(tail), !name[..<colon].hasSuffix(":") {
                port = number
                name = String(name[..<colon])
            }
        }
        if name.hasPrefix("["), name.hasSuffix("]") { name = String(name.dropFirst().dropLast()) }
        if let network = IPNetwork(name) { return .network(network, port: port) }
        let domain = name.lowercased().drop { $0 == "." || $0 == "*" }
        guard !domain.isEmpty, !domain.contains("/"), !domain.contains(" ") else {
            throw MDEConfigurationError(
                "\(source) entry \(ErrorText.quoted(entry)) is not a host, domain, address or CIDR range")
        }
        return .domain(String(domain), port: port)
    }

    func matches(host: String, port: Int) -> Bool {
        let host = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        switch self {
        case .everything: return true
        case .domain(let domain, let only):
            guard only == nil || only == port else { return false }
            return host == domain || host.hasSuffix("." + domain)
        case .network(let network, let only):
            guard only == nil || only == port else { return false }
            return network.contains(host)
        }
    }
}

/// An IPv4 or IPv6 address range (`10.0.0.0/8`, `fd00::/8`; a bare address is its own /32 or /128).
public struct IPNetwork: Sendable, Hashable {
    var bytes: [UInt8]
    var prefix: Int

    init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2, let bytes = Self.address(String(parts[0])) else { return nil }
        let bits = bytes.count * 8
        if parts.count == 2 {
            guard let prefix = Int(parts[1]), (0...bits).contains(prefix) else { return nil }
            self.prefix = prefix
        } else {
            prefix = bits
        }
        self.bytes = bytes
    }

    func contains(_ host: String) -> Bool {
        guard let other = Self.address(host), other.count == bytes.count else { return false }
        var left = prefix
        for (a, b) in zip(bytes, other) where left > 0 {
            let mask: UInt8 = left >= 8 ? 0xFF : ~(0xFF >> UInt8(left))
            if a & mask != b & mask { return false }
            left -= 8
        }
        return true
    }

    /// The address's bytes, with the C library's own parser (no hand-written IPv6 parsing).
    static func address(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 { return withUnsafeBytes(of: &v6) { Array($0) } }
        return nil
    }
}
