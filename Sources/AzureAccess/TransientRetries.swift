/// One call's retries after transient failures (connection errors, 5xx, unreadable answers): how many so far, and
/// whether one more fits the policy's count and its time budget (`RetryPolicy.retryBudget`, measured on the
/// client's clock from the first attempt).
package struct TransientRetries {
    let policy: RetryPolicy
    let clock: APIClock
    let started: Double
    package private(set) var count = 0

    package init(policy: RetryPolicy, clock: APIClock) {
        self.policy = policy
        self.clock = clock
        started = clock.now()
    }

    /// Counts one more retry and returns its wait (`preferred`, a server's Retry-After, else the backoff); nil, and
    /// nothing counted, when the retries or the budget are spent.
    package mutating func next(preferred: Double? = nil) -> Double? {
        let wait = preferred ?? policy.backoff(retry: count + 1)
        guard count < policy.maxRetries, clock.now() - started + wait <= policy.retryBudget else { return nil }
        count += 1
        return wait
    }

    /// What a call that gives up says: how many retries in how long, the budget, and `advice`.
    package func gaveUp(_ advice: String) -> String {
        "gave up after \(count) retries in \(Int((clock.now() - started).rounded())) s (retry budget "
            + "\(Int(policy.retryBudget)) s, --retry-budget); \(advice)"
    }
}
