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
    @Test func letsCallsThroughUntilAWindowIsFull() throws {
        var schedule = SlidingWindowSchedule(margin: 0)
        let policy = try RateLimitPolicy(parsing: "3/10s")
        #expect(schedule.reserve(now: 0, policy: policy) == 0)
        #expect(schedule.reserve(now: 1, policy: policy) == 1)
        #expect(schedule.reserve(now: 2, policy: policy) == 2)
        // The 4th call must wait until the 1st (at 0) has left the 10 s window.
        #expect(schedule.reserve(now: 3, policy: policy) == 10)
        #expect(schedule.reserve(now: 3, policy: policy) == 11)
        #expect(schedule.reserve(now: 30, policy: policy) == 30)
    }

    @Test func addsTheSafetyMargin() throws {
        var schedule = SlidingWindowSchedule(margin: 1)
        let policy = try RateLimitPolicy(parsing: "1/10s")
        #expect(schedule.reserve(now: 0, policy: policy) == 0)
        #expect(schedule.reserve(now: 0, policy: policy) == 11)
    }

    @Test func enforcesEveryWindow() throws {
        var schedule = SlidingWindowSchedule(margin: 0)
        let policy = try RateLimitPolicy(parsing: "2/1s,3/100s")
        let starts = (0..<5).map { _ in schedule.reserve(now: 0, policy: policy) }
        #expect(starts == [0, 0, 1, 100, 100])
    }

    /// Whatever the arrival pattern, no window of the policy ever holds more calls than its limit.
    @Test(arguments: [1, 2, 3, 4])
    func neverExceedsTheDefaultLimits(seed: Int) {
        var schedule = SlidingWindowSchedule(margin: 0)
        var generator = SeededGenerator(seed: UInt64(seed))
        var now = 0.0
        var starts: [Double] = []
        for _ in 0..<4_000 {
            now += Double(generator.next() % 2_000) / 1_000  // bursts and pauses, 0…2 s apart
            starts.append(schedule.reserve(now: now, policy: .mdeDefault))
        }
        #expect(zip(starts, starts.dropFirst()).allSatisfy { $0 <= $1 })
        for window in RateLimitPolicy.mdeDefault.windows {
            var first = 0
            for last in starts.indices {
                while starts[last] - starts[first] >= window.seconds - 1e-6 { first += 1 }  // float rounding
                #expect(last - first + 1 <= window.limit)
                if last - first + 1 > window.limit { return }
            }
        }
        // Steady demand above the hourly limit is served at the hourly limit, not far below it.
        #expect(starts.last! < Double(starts.count) / 1_500 * 3_600 + 3_600)
    }
}
