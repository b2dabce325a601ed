import Foundation

/// Where the API client reads time and waits: the rate limiter's windows, retry and `Retry-After` waits, and a
/// token's refresh time. Passed in, so tests of waits and retries run on a clock that never really waits.
///
/// ```swift
/// let clock = APIClock.immediate()
/// let client = MDEClient(endpoints: endpoints, credentials: credentials, clock: clock)
/// // …every wait returns at once; `client.statistics().waitedSeconds` still counts it
/// ```
public struct APIClock: Sendable {
    /// Seconds since a fixed origin (only differences matter).
    let now: @Sendable () -> Double
    let sleep: @Sendable (Double) async throws -> Void
    /// The system clock is one clock for the whole process, so clients on it share the process-wide rate limiter;
    /// a client on any other clock gets a limiter of its own.
    let isSystem: Bool

    /// The monotonic system clock.
    public static let system: APIClock = {
        let origin = ContinuousClock.now
        return APIClock(
            now: { (ContinuousClock.now - origin).seconds },
            sleep: { try await Task.sleep(for: .seconds($0)) }, isSystem: true)
    }()

    /// A clock whose waits return at once, moving its time on by the wait: time passes only when the client waits.
    public static func immediate() -> APIClock {
        let elapsed = LockedBox(0.0)
        return APIClock(
            now: { elapsed.withLock { $0 } },
            sleep: { seconds in
                try Task.checkCancellation()
                elapsed.withLock { $0 += max(0, seconds) }
                await Task.yield()
            }, isSystem: false)
    }
}

extension Duration {
    /// The duration in seconds, as the clocks and the retry policy count.
    package var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
