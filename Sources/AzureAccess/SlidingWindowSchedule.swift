/// The pure core of the rate limiter: from when earlier calls *completed*, when may the next call start?
///
/// The service counts a call when it arrives, which may be long after the client started it (a loaded machine, a
/// slow network). A call's response, however, always completes after it arrived. So call `n + limit` starts no
/// earlier than `window + margin` after every call up to `n` completed, and a call still in flight blocks that slot:
/// whatever the delays, `arrival(n + limit) ≥ completion(n) + window ≥ arrival(n) + window`.
///
/// Times are seconds on any monotonic clock the caller chooses, which makes the logic testable without waiting:
/// ```swift
/// var schedule = SlidingWindowSchedule(margin: 0)
/// let policy = try RateLimitPolicy(parsing: "1/10s")
/// let first = schedule.reserve(now: 0, policy: policy)!    // ticket 0, start 0
/// schedule.reserve(now: 1, policy: policy)                  // nil: the first call is still in flight
/// schedule.complete(first.ticket, at: 2)
/// schedule.reserve(now: 2, policy: policy)?.start           // 12
/// ```
public struct SlidingWindowSchedule: Sendable {
    /// A reserved call: its ticket (for `complete`) and the time it may start.
    public struct Reservation: Sendable, Equatable {
        public var ticket: Int
        public var start: Double

        public init(ticket: Int, start: Double) {
            self.ticket = ticket
            self.start = start
        }
    }

    /// Completion times of the kept calls, oldest first (nil while in flight); `ends[0]` has ticket `firstTicket`.
    private var ends: [Double?] = []
    private var firstTicket = 0
    /// The latest completion among calls no longer kept (all of them had completed).
    private var droppedEnd = -Double.infinity
    private var lastStart: Double?
    private var retained = 16
    /// Extra seconds added to every window, for clocks that differ slightly between client and service.
    public var margin: Double

    public init(margin: Double = 1) {
        self.margin = margin
    }

    /// Reserves the earliest start time at or after `now` that keeps every window of `policy` within its limit,
    /// records it, and returns it; nil when a call still in flight decides it (call `complete`, then try again).
    ///
    /// Reservations never go backwards, so callers are served in order and none is starved.
    public mutating func reserve(now: Double, policy: RateLimitPolicy) -> Reservation? {
        let ticket = firstTicket + ends.count
        var start = max(now, lastStart ?? now)
        for window in policy.windows where ticket >= window.limit {
            // Every call up to `ticket - limit` must have completed a whole window (plus margin) ago.
            guard let end = latestEnd(through: ticket - window.limit) else { return nil }
            start = max(start, end + window.seconds + margin)
        }
        ends.append(nil)
        lastStart = start
        retained = max(retained, policy.windows.map(\.limit).max() ?? 0)
        return Reservation(ticket: ticket, start: start)
    }

    /// Records that the call with `ticket` completed (answered, failed or abandoned) at `time`.
    public mutating func complete(_ ticket: Int, at time: Double) {
        let index = ticket - firstTicket
        guard ends.indices.contains(index), ends[index] == nil else { return }
        ends[index] = time
        trim()
    }

    /// The latest completion among calls with tickets up to `last`, or nil while one of them is in flight.
    private func latestEnd(through last: Int) -> Double? {
        var latest = droppedEnd
        guard last >= firstTicket else { return latest }
        for end in ends[0...min(last - firstTicket, ends.count - 1)] {
            guard let end else { return nil }
            latest = max(latest, end)
        }
        return latest
    }

    /// Folds the oldest completed calls into `droppedEnd` once more than `retained` calls are kept: later
    /// questions only ask about tickets at least `retained` below the newest, and only for their latest end.
    private mutating func trim() {
        guard ends.count > 2 * retained else { return }
        var drop = 0
        while ends.count - drop > retained, let end = ends[drop] {
            droppedEnd = max(droppedEnd, end)
            drop += 1
        }
        ends.removeFirst(drop)
        firstTicket += drop
    }
}
