import Foundation

/// Every credential value this process holds — the client secret, a proxy password, each access token — so that no
/// message, log line or ledger row repeats one. A server that echoes the request (some gateways and debug
/// endpoints do) would otherwise put the secret on stderr, into `sync_runs.error` and into the `sync-health`
/// report; every such sink passes its text through `Secrets.redact`.
public enum Secrets {
    private static let values = LockedBox<Set<String>>([])

    /// Values shorter than this are not registered: redacting a two-letter password would mangle every message
    /// while hiding nothing.
    static let minimumLength = 4

    /// Remembers `secret` and the forms it travels in (form- and percent-encoded).
    public static func register(_ secret: String) {
        guard secret.count >= minimumLength else { return }
        let encoded = secret.addingPercentEncoding(withAllowedCharacters: QueryEncoding.unreserved) ?? secret
        values.withLock { $0.formUnion([secret, encoded]) }
    }

    /// `text` with every registered value replaced by `***`, longest first (a value inside another is replaced
    /// with it).
    public static func redact(_ text: String) -> String {
        let all = values.withLock { $0 }
        guard !all.isEmpty else { return text }
        var result = text
        for value in all.sorted(by: { $0.count > $1.count }) where result.contains(value) {
            result = result.replacingOccurrences(of: value, with: "***")
        }
        return result
    }
}
