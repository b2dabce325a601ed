/// The pure core of the rate limiter: from the start times of earlier calls, when may the next call start?
///
/// Times are seconds on any monotonic clock the caller chooses, which makes the logic testable without waiting:
/// ```swift
/// var schedule = SlidingWindowSchedule(margin: 0)
/// let policy = try RateLimitPolicy(parsing: "2/10s")
/// schedule.reserve(now: 0, policy: policy)   // 0
/// schedule.reserve(now: 1, policy: policy)   // 1
/// schedule.reserve(now: 2, policy: policy)   // 10: the call at 0 must leave the window first
/// ```
public struct SlidingWindowSchedule: Sendable {
    /// Reserved start times, ascending; only the newest `retained` are kept (older ones can no longer matter).
    private var starts: [Double] = []
    private var retained = 0
    /// Extra seconds added to every window, because the service counts arrival times, which jitter.
    public var margin: Double

    public init(margin: Double = 1) {
        self.margin = margin
    }

    /// Reserves the earliest start time at or after `now` that keeps every window of `policy` within its limit,
    /// records it, and returns it. The caller waits until then and makes the call.
    ///
    /// Reservations never go backwards, so concurrent callers are served in order and none is starved.
    @discardableResult
    public mutating func reserve(now: Double, policy: RateLimitPolicy) -> Double {
        var start = max(now, starts.last ?? now)
        for window in policy.windows where starts.count >= window.limit {
            // With the limit-th most recent call still inside the window, one more would exceed the limit.
            start = max(start, starts[starts.count - window.limit] + window.seconds + margin)
        }
        starts.append(start)
        retained = max(retained, policy.windows.map(\.limit).max() ?? 0)
        if starts.count > 2 * max(retained, 16) { starts.removeFirst(starts.count - retained) }
        return start
    }
}
