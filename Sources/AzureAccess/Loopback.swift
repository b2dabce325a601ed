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
}
