import MDEAPI
import MDETestSupport
import Testing

@Suite struct RateLimitPolicyTests {
    @Test func parsesTheDefaultSpec() throws {
        let policy = try RateLimitPolicy(parsing: "100/60s,1500/3600s")
        #expect(policy == .mdeDefault)
        #expect(policy.windows.map(\.limit) == [100, 1_500])
        #expect(policy.windows.map(\.seconds) == [60, 3_600])
        #expect(policy.description == "100/60s,1500/3600s")
    }

    @Test(arguments: [("100/1m, 1500/1h", "100/60s,1500/3600s"), ("5/2", "5/2s"), ("3/0.5s", "3/0.5s")])
    func acceptsUnits(spec: String, canonical: String) throws {
        #expect(try RateLimitPolicy(parsing: spec).description == canonical)
    }

    @Test(arguments: ["", "100", "100/", "/60s", "0/60s", "-1/60s", "100/0s", "100/60x", "100/60s,", "a/b", "1/2/3"])
    func refusesBadSpecs(spec: String) {
        let error = #expect(throws: MDEConfigurationError.self) { try RateLimitPolicy(parsing: spec) }
        #expect(error?.description.contains("e.g. 100/60s,1500/3600s") == true)
    }
}

/// The limiter's scheduling logic with an injected clock: no waiting, fully deterministic.
@Suite struct SlidingWindowScheduleTests {
    /// Reserves a call at `now` that completes `duration` after its start, and returns its start.
    static func call(
        _ schedule: inout SlidingWindowSchedule, now: Double, _ policy: RateLimitPolicy, duration: Double = 0
    ) throws -> Double {
        let reserved = schedule.reserve(now: now, policy: policy)
        let slot = try #require(reserved)
        schedule.complete(slot.ticket, at: slot.start + duration)
        return slot.start
    }

    @Test func letsCallsThroughUntilAWindowIsFull() throws {
        var schedule = SlidingWindowSchedule(margin: 0)
        let policy = try RateLimitPolicy(parsing: "3/10s")
        #expect(try Self.call(&schedule, now: 0, policy) == 0)
        #expect(try Self.call(&schedule, now: 1, policy) == 1)
        #expect(try Self.call(&schedule, now: 2, policy) == 2)
        // The 4th call must wait until the 1st (done at 0) has left the 10 s window.
        #expect(try Self.call(&schedule, now: 3, policy) == 10)
        #expect(try Self.call(&schedule, now: 3, policy) == 11)
        #expect(try Self.call(&schedule, now: 30, policy) == 30)
    }

    @Test func addsTheSafetyMargin() throws {
        var schedule = SlidingWindowSchedule(margin: 1)
        let policy = try RateLimitPolicy(parsing: "1/10s")
        #expect(try Self.call(&schedule, now: 0, policy) == 0)
        #expect(try Self.call(&schedule, now: 0, policy) == 11)
    }

    @Test func enforcesEveryWindow() throws {
        var schedule = SlidingWindowSchedule(margin: 0)
        let policy = try RateLimitPolicy(parsing: "2/1s,3/100s")
        let starts = try (0..<5).map { _ in try Self.call(&schedule, now: 0, policy) }
        #expect(starts == [0, 0, 1, 100, 100])
    }

    /// A slow call (one that arrives late at the service) pushes the next window out by its completion time.
    @Test func countsEachCallFromItsCompletion() throws {
        var schedule = SlidingWindowSchedule(margin: 0)
        let policy = try RateLimitPolicy(parsing: "1/10s")
        #expect(try Self.call(&schedule, now: 0, policy, duration: 7) == 0)
        #expect(try Self.call(&schedule, now: 7, policy) == 17)
    }

    /// While a call is in flight its slot cannot be placed: the next caller must wait for the completion.
    @Test func aCallInFlightBlocksItsSlot() throws {
        var schedule = SlidingWindowSchedule(margin: 0)
        let policy = try RateLimitPolicy(parsing: "2/10s")
        let reserved = [schedule.reserve(now: 0, policy: policy), schedule.reserve(now: 0, policy: policy)]
        let first = try #require(reserved[0])
        let second = try #require(reserved[1])
        let whileFlying = schedule.reserve(now: 1, policy: policy)
        #expect(whileFlying == nil, "the first call is still in flight")
        // Completions out of order: the third call waits for the first, the fourth for both.
        schedule.complete(second.ticket, at: 5)
        let stillFlying = schedule.reserve(now: 5, policy: policy)
        #expect(stillFlying == nil)
        schedule.complete(first.ticket, at: 3)
        let third = schedule.reserve(now: 6, policy: policy)
        let fourth = schedule.reserve(now: 6, policy: policy)
        let fifth = schedule.reserve(now: 6, policy: policy)
        #expect(third == .init(ticket: 2, start: 13))
        #expect(fourth == .init(ticket: 3, start: 15))
        #expect(fifth == nil, "the third and fourth calls are in flight")
    }

    /// Whatever the delays between a call's start, its arrival at the service and its completion, and however
    /// many calls are in flight, no window of arrivals ever holds more calls than the policy's limit.
    @Test(arguments: [1, 2, 3, 4])
    func neverExceedsTheLimitsAtTheService(seed: Int) throws {
        var schedule = SlidingWindowSchedule(margin: 0)
        var generator = SeededGenerator(seed: UInt64(seed))
        func random(_ upTo: Double) -> Double { Double(generator.next() % 10_000) / 10_000 * upTo }
        let policy = try RateLimitPolicy(parsing: "10/60s,50/600s")
        var now = 0.0
        var arrivals: [Double] = []
        while arrivals.count < 2_000 {
            // Up to 4 concurrent callers; each call arrives late (up to 30 s) and completes later still.
            var flying: [(ticket: Int, end: Double)] = []
            for _ in 0..<(1 + generator.next() % 4) {
                guard let slot = schedule.reserve(now: now, policy: policy) else { break }
                let arrival = slot.start + random(30)
                arrivals.append(arrival)
                flying.append((slot.ticket, arrival + random(5)))
            }
            #expect(!flying.isEmpty, "with nothing in flight a slot is always found")
            for call in flying.shuffled(using: &generator) { schedule.complete(call.ticket, at: call.end) }
            now = (flying.map(\.end).max() ?? now) + random(2)
        }
        let sorted = arrivals.sorted()
        for window in policy.windows {
            var first = 0
            for last in sorted.indices {
                while sorted[last] - sorted[first] >= window.seconds - 1e-6 { first += 1 }  // float rounding
                #expect(last - first + 1 <= window.limit)
                if last - first + 1 > window.limit { return }
            }
        }
        // Sequential demand is not throttled far below the limit: each call waits only its own window.
        #expect(sorted.last! < Double(sorted.count) * 60)
    }
}
