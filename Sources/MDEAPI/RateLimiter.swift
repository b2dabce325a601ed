import Foundation

/// Paces API calls for one (token endpoint, client id, API host): the unit Microsoft counts limits for.
///
/// Shared process-wide through `RateLimiter.shared(…)`, so two `MDEClient`s for the same app and host
/// (a sync and an offboard run in one process) cannot together exceed the limits.
actor RateLimiter {
    private var schedule: SlidingWindowSchedule
    private let origin = ContinuousClock.now

    init(margin: Double = 1) {
        schedule = SlidingWindowSchedule(margin: margin)
    }

    /// Reserves a start time for one call under `policy` and returns how long the caller must wait for it.
    func reserve(policy: RateLimitPolicy) -> Duration {
        let elapsed = ContinuousClock.now - origin
        let now = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let start = schedule.reserve(now: now, policy: policy)
        return .seconds(start - now)
    }

    private static let registry = LockedBox<[String: RateLimiter]>([:])

    /// The limiter for one app on one API host; created on first use. The port is part of the host, so two
    /// simulators on different ports are different services.
    static func shared(tokenURL: URL, clientId: String, apiBaseURL: URL) -> RateLimiter {
        let host = (apiBaseURL.host ?? "").lowercased() + (apiBaseURL.port.map { ":\($0)" } ?? "")
        let key = [tokenURL.absoluteString, clientId, host].joined(separator: "\n")
        return registry.withLock { limiters in
            if let limiter = limiters[key] { return limiter }
            let limiter = RateLimiter()
            limiters[key] = limiter
            return limiter
        }
    }
}
