import Foundation

/// Sliding-window call limits per client id, like MDE's 100 calls a minute and 1,500 an hour.
///
/// Windows use real (monotonic) time, not the virtual clock: they protect the service from a client that
/// calls too fast, whatever day it is in the tenant.
///
/// ```swift
/// let limits = try SimulatedRateLimits(parsing: "100/60s,1500/3600s")
/// ```
public struct SimulatedRateLimits: Sendable, Equatable, CustomStringConvertible {
    /// At most `limit` calls in any `seconds`-long window.
    public struct Window: Sendable, Equatable {
        public var limit: Int
        public var seconds: Int

        public init(limit: Int, seconds: Int) {
            precondition(limit >= 1 && seconds >= 1, "a window allows at least one call in at least one second")
            self.limit = limit
            self.seconds = seconds
        }
    }

    public var windows: [Window]

    /// MDE's documented limits for the machine and machine-action APIs.
    public static let mde = SimulatedRateLimits(windows: [
        .init(limit: 100, seconds: 60), .init(limit: 1500, seconds: 3600),
    ])
    /// No limits at all.
    public static let unlimited = SimulatedRateLimits(windows: [])

    public init(windows: [Window]) { self.windows = windows }

    /// Parses `CALLS/DURATION` items separated by commas (`100/60s,1500/3600s`, `10/1m`, `1500/1h`), or `none`.
    public init(parsing spec: String) throws(SimulatorSpecError) {
        let trimmed = spec.trimmingCharacters(in: .whitespaces)
        if trimmed.lowercased() == "none" || trimmed.isEmpty {
            windows = []
            return
        }
        windows = try trimmed.split(separator: ",").map { item throws(SimulatorSpecError) in
            let parts = item.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count == 2, let limit = Int(parts[0].trimmingCharacters(in: .whitespaces)), limit >= 1,
                let seconds = SpecDuration.seconds(String(parts[1])), seconds >= 1, seconds == seconds.rounded()
            else {
                throw SimulatorSpecError(
                    "bad rate limit '\(item)'; use CALLS/SECONDSs items such as 100/60s,1500/3600s, or none")
            }
            return Window(limit: limit, seconds: Int(seconds))
        }
    }

    /// The spec form, `100/60s,1500/3600s` (or `none`).
    public var description: String {
        windows.isEmpty ? "none" : windows.map { "\($0.limit)/\($0.seconds)s" }.joined(separator: ",")
    }
}

/// A `--rate-limit` or `--faults` value the simulator cannot use; the message names the fix.
public struct SimulatorSpecError: Error, Equatable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}

/// Durations in specs: `2s`, `250ms`, `5m`, `1h`, or bare seconds.
enum SpecDuration {
    static func seconds(_ text: String) -> Double? {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        for (suffix, factor) in units where t.hasSuffix(suffix) {
            return Double(t.dropLast(suffix.count)).flatMap { $0 >= 0 ? $0 * factor : nil }
        }
        return Double(t).flatMap { $0 >= 0 ? $0 : nil }
    }

    static func text(_ seconds: Double) -> String {
        seconds < 1 && seconds > 0 ? "\(Int((seconds * 1000).rounded()))ms" : "\(number(seconds))s"
    }

    /// `1` rather than `1.0`, `0.05` as is.
    static func number(_ v: Double) -> String {
        v == v.rounded() ? String(Int(v)) : String(v)
    }
}
