import Foundation

/// Sliding-window call limits, e.g. `100/60s,1500/3600s`: at most 100 calls in any 60 s and 1,500 in any hour.
///
/// ```swift
/// let policy = try RateLimitPolicy(parsing: "100/60s,1500/1h")
/// policy.description   // "100/60s,1500/3600s"
/// ```
public struct RateLimitPolicy: Sendable, Hashable, CustomStringConvertible {
    /// One window: at most `limit` calls in any `seconds`.
    public struct Window: Sendable, Hashable {
        public var limit: Int
        public var seconds: Double

        public init(limit: Int, seconds: Double) {
            precondition(limit > 0 && seconds > 0, "a rate-limit window needs a positive limit and length")
            self.limit = limit
            self.seconds = seconds
        }
    }

    public var windows: [Window]

    /// The MDE machine APIs' documented limits: 100 calls a minute and 1,500 an hour (mde-api.md §5).
    public static let mdeDefault = RateLimitPolicy(windows: [
        Window(limit: 100, seconds: 60), Window(limit: 1_500, seconds: 3_600),
    ])

    public init(windows: [Window]) {
        self.windows = windows
    }

    /// Parses `LIMIT/LENGTH[,LIMIT/LENGTH…]` where LENGTH is a number with an optional unit `s`, `m` or `h`
    /// (seconds when none), e.g. `100/60s,1500/3600s` or `100/1m,1500/1h`.
    /// - Throws: `MDEConfigurationError` naming the bad part and showing the expected form.
    public init(parsing spec: String) throws {
        let example = "expected LIMIT/SECONDSs[,…], e.g. 100/60s,1500/3600s"
        let parts = spec.split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        guard !spec.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw MDEConfigurationError("empty rate limit; \(example)")
        }
        windows = try parts.map { part in
            let pieces = part.split(separator: "/", omittingEmptySubsequences: false)
            guard pieces.count == 2, let limit = Int(pieces[0]), limit > 0 else {
                throw MDEConfigurationError("bad rate limit '\(part)' in '\(spec)'; \(example)")
            }
            var length = pieces[1].lowercased()
            var unit = 1.0
            if let last = length.last, let factor = ["s": 1.0, "m": 60.0, "h": 3_600.0][String(last)] {
                unit = factor
                length.removeLast()
            }
            guard let value = Double(length), value.isFinite, value > 0 else {
                throw MDEConfigurationError("bad window length in '\(part)' of '\(spec)'; \(example)")
            }
            return Window(limit: limit, seconds: value * unit)
        }
    }

    /// The canonical spec text, in seconds.
    public var description: String {
        windows.map { window in
            let seconds = window.seconds
            let text = seconds.rounded() == seconds ? String(Int(seconds)) : String(seconds)
            return "\(window.limit)/\(text)s"
        }.joined(separator: ",")
    }
}
