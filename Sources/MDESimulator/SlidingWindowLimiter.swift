/// Counts each client's API calls in sliding windows of real time and says how long to wait when one is full.
struct SlidingWindowLimiter: Sendable {
    var limits: SimulatedRateLimits
    /// Admitted calls per client id, oldest first, no older than the longest window.
    private var calls: [String: [ContinuousClock.Instant]] = [:]

    init(limits: SimulatedRateLimits) { self.limits = limits }

    /// Records a call by `client` at `now` and returns nil, or returns the whole seconds to wait
    /// (the `Retry-After`) without recording it.
    mutating func admit(_ client: String, at now: ContinuousClock.Instant) -> Int? {
        guard let longest = limits.windows.map(\.seconds).max() else { return nil }
        var log = calls[client, default: []]
        if let keep = log.firstIndex(where: { now - $0 < .seconds(longest) }) {
            log.removeFirst(keep)
        } else {
            log.removeAll()
        }
        var wait = Duration.zero
        for window in limits.windows {
            let length = Duration.seconds(window.seconds)
            let inWindow = log.reversed().prefix { now - $0 < length }.count
            guard inWindow >= window.limit else { continue }
            // The call that has to leave the window before one more fits.
            let blocking = log[log.count - window.limit]
            wait = max(wait, blocking + length - now)
        }
        guard wait == .zero else {
            calls[client] = log
            let (seconds, attoseconds) = wait.components
            return max(1, Int(seconds) + (attoseconds > 0 ? 1 : 0))
        }
        log.append(now)
        calls[client] = log
        return nil
    }
}
