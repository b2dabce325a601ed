import Foundation

/// Paces API calls for one (token endpoint, client id, API host): the unit Microsoft counts limits for.
///
/// Shared process-wide through `RateLimiter.shared(…)`, so two `MDEClient`s for the same app and host
/// (a sync and an offboard run in one process) cannot together exceed the limits.
package actor RateLimiter {
    private var schedule: SlidingWindowSchedule
    private let clock: APIClock
    /// Callers waiting for an in-flight call to complete before their slot can be placed.
    private var waiters: [CheckedContinuation<Void, Never>] = []

    package init(margin: Double = 1, clock: APIClock = .system) {
        schedule = SlidingWindowSchedule(margin: margin)
        self.clock = clock
    }

    private var now: Double { clock.now() }

    /// Reserves a slot for one call under `policy` and returns its ticket and how long the caller must wait before
    /// starting it. While a call still in flight decides the slot, this waits for that call to complete. The caller
    /// must pass the ticket to `complete` once the call has its answer (or failed, or was abandoned).
    package func reserve(policy: RateLimitPolicy) async -> (ticket: Int, delay: Duration) {
        while true {
            let time = now
            if let slot = schedule.reserve(now: time, policy: policy) {
                return (slot.ticket, .seconds(slot.start - time))
            }
            await withCheckedContinuation { waiters.append($0) }
        }
    }

    /// Records that the call with `ticket` completed now; the window counts it from this moment.
    package func complete(_ ticket: Int) {
        schedule.complete(ticket, at: now)
        let woken = waiters
        waiters = []
        for waiter in woken { waiter.resume() }
    }

    private static let registry = LockedBox<[String: RateLimiter]>([:])

    /// The limiter for one app on one API host; created on first use. The port is part of the host, so two
    /// simulators on different ports are different services.
    /// A client on another clock (`APIClock.immediate()`) gets its own limiter on that clock. `service` keeps
    /// two APIs served from one host apart (Graph and MDE on the simulator).
    package static func shared(
        tokenURL: URL, clientId: String, apiBaseURL: URL, service: String = "", clock: APIClock = .system
    ) -> RateLimiter {
        guard clock.isSystem else { return RateLimiter(clock: clock) }
        let host = (apiBaseURL.host ?? "").lowercased() + (apiBaseURL.port.map { ":\($0)" } ?? "")
        let key = [tokenURL.absoluteString, clientId, host, service].joined(separator: "\n")
        return registry.withLock { limiters in
            if let limiter = limiters[key] { return limiter }
            let limiter = RateLimiter()
            limiters[key] = limiter
            return limiter
        }
    }
}
