/// Rate limits and random faults, set in-process (the `/_sim/faults` and `/_sim/rate-limit` routes call these).
extension MDESimulator {
    /// The call limits in force.
    public var rateLimits: SimulatedRateLimits { state.withLock { $0.limiter.limits } }

    /// Replaces the call limits; calls already made keep counting against the new windows.
    public func setRateLimits(_ limits: SimulatedRateLimits) {
        state.withLock { $0.limiter.limits = limits }
    }

    /// The random faults in force.
    public var faults: SimulatedFaults { state.withLock { $0.faults } }

    /// Replaces the random faults and restarts their seeded sequence, so the same calls meet the same faults.
    public func setFaults(_ faults: SimulatedFaults) {
        state.withLock { state in
            state.faults = faults
            state.faultRNG = SimulatorState.faultRNG(seed: configuration.seed)
        }
    }

    /// Answers an authorised API call: the client's rate limit first, then a random fault, then the route.
    func answerAPI(_ route: SimulatorRoute, _ request: SimRequest, client: String, target: String) async -> SimReply {
        let (wait, fault) = state.withLock { state -> (Int?, InjectedFault?) in
            if let wait = state.limiter.admit(client, at: .now) { return (wait, nil) }
            guard !state.faults.rules.isEmpty else { return (nil, nil) }
            return (nil, state.faults.pick(state.faultRNG.unit()))
        }
        if let wait {
            var reply = SimReply.mdeError(
                429, "TooManyRequests",
                "Rate limit is exceeded. Try again in \(wait) seconds.", target: target)
            reply.headers.append(("Retry-After", String(wait)))
            return reply
        }
        if let fault { return await injected(fault, for: route, request, client: client, target: target) }
        return dispatch(route, request, client: client, target: target)
    }
}
