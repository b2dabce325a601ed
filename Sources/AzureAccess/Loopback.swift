import Foundation

/// Loopback hosts, judged by their text: the only hosts plain http may reach (the simulator, identity endpoints).
public enum Loopback {
    /// `true` for the literal loopback addresses only: `localhost` exactly (any case, no trailing dot), `127.a.b.c`
    /// in plain decimal (no leading zeros, each 0…255), and `::1` in any spelling (with or without brackets).
    ///
    /// The host text is judged, never resolved: `localhost.` or `127.0.0.08` would be handed to the resolver, and
    /// whatever it answered would receive the secret over plain http.
    public static func isLiteral(host: String) -> Bool {
        var host = host.lowercased()
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if host == "localhost" { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        if octets.count == 4, octets[0] == "127" {
            return octets.allSatisfy { octet in
                (1...3).contains(octet.count) && octet.utf8.allSatisfy { (0x30...0x39).contains($0) }
                    && (octet.count == 1 || octet.first != "0") && Int(octet)! <= 255
            }
        }
        // ::1 in any of its spellings (0:0:0:0:0:0:0:1, ::0001); no zone index, no embedded IPv4.
        guard host.contains(":"), host.utf8.allSatisfy({ $0 == 0x3A || isHexDigit($0) }) else { return false }
        let groups = host.split(separator: ":", omittingEmptySubsequences: true)
        guard let last = groups.last, groups.allSatisfy({ $0.count <= 4 }), UInt16(last, radix: 16) == 1 else {
            return false
        }
        let leading = groups.dropLast()
        guard leading.allSatisfy({ UInt16($0, radix: 16) == 0 }) else { return false }
        return host.contains("::") ? leading.count < 7 : leading.count == 7
    }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x61...0x66).contains(byte)
    }

    /// An endpoint URL as every client takes it: absolute, no user or password, no query or fragment, a trailing
    /// slash dropped; https, or plain http only to a literal loopback host (the token and the secret would
    /// otherwise travel in clear text). Pure: never connects.
    /// - Throws: `MDEConfigurationError` naming the URL and the fix (`example` is a URL that would do).
    public static func validatedURL(_ text: String, name: String, example: String) throws -> URL {
        let trimmed = text.hasSuffix("/") ? String(text.dropLast()) : text
        guard let url = URL(string: trimmed), let scheme = url.scheme?.lowercased(), let host = url.host,
            !host.isEmpty
        else {
            throw MDEConfigurationError("\(name) '\(text)' is not an absolute URL; use e.g. \(example)")
        }
        guard url.user == nil, url.password == nil else {
            throw MDEConfigurationError("\(name) must not contain a user name or password; remove them")
        }
        guard url.query == nil, url.fragment == nil else {
            throw MDEConfigurationError("\(name) '\(text)' must not have a query or fragment; remove it")
        }
        switch scheme {
        case "https": return url
        case "http" where isLiteral(host: host): return url
        case "http":
            throw MDEConfigurationError(
                "\(name) '\(text)' uses plain http to a non-loopback host; "
                    + "use https (plain http is only for loopback hosts such as 127.0.0.1)")
        default:
            throw MDEConfigurationError("\(name) '\(text)' has scheme '\(scheme)'; use https")
        }
    }
}
