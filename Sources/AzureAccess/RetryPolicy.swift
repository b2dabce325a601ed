import Foundation

/// Counters of one `MDEClient`'s traffic, for progress lines and the sync run record.
public struct MDECallStatistics: Sendable, Hashable {
    /// API requests sent (every attempt, retries included; token requests not included).
    public var calls = 0
    /// 429 responses received.
    public var throttled = 0
    /// Requests sent again after a 429, a 5xx, a transport error, an unreadable body or a 401.
    public var retries = 0
    /// Requests to the token endpoint.
    public var tokenRequests = 0
    /// Seconds spent waiting for the rate limiter, `Retry-After` and backoff.
    public var waitedSeconds = 0.0

    public init() {}
}

/// How hard to retry. The defaults suit the real service; tests pass tiny delays so they run fast.
public struct RetryPolicy: Sendable, Hashable {
    /// Retries after a 5xx, a transport error (reset, timeout) or a body that does not parse.
    public var maxRetries: Int
    /// The first backoff delay in seconds; it doubles on each retry (with jitter) up to `maxDelay`.
    public var baseDelay: Double
    public var maxDelay: Double
    /// Retries after 429 responses before giving up.
    public var maxThrottledRetries: Int
    /// The wait after a 429 without a usable `Retry-After`.
    public var defaultRetryAfter: Double
    /// The longest `Retry-After` honoured; a longer one is cut to this.
    public var maxRetryAfter: Double
    /// Time allowed for one request, response body included (a 10,000-machine page is tens of megabytes).
    public var requestTimeout: Duration
    /// Seconds one call may spend retrying after transient failures (attempts and waits together): no retry starts
    /// whose wait would end past it. With the connect timeout it bounds how long an unreachable service takes.
    public var retryBudget: Double
    /// The largest response body read; a larger one fails the call without a retry. A page of 10,000 machines is
    /// about 15 MB, so the default (64 MB) leaves room and still stops a runaway or hostile server early.
    public var maxResponseBytes: Int

    public init(
        maxRetries: Int = 5, baseDelay: Double = 1, maxDelay: Double = 60, maxThrottledRetries: Int = 10,
        defaultRetryAfter: Double = 60, maxRetryAfter: Double = 300, requestTimeout: Duration = .seconds(180),
        maxResponseBytes: Int = 64 * 1024 * 1024, retryBudget: Double = 120
    ) {
        self.retryBudget = retryBudget
        self.maxResponseBytes = maxResponseBytes
        self.maxRetries = maxRetries
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.maxThrottledRetries = maxThrottledRetries
        self.defaultRetryAfter = defaultRetryAfter
        self.maxRetryAfter = maxRetryAfter
        self.requestTimeout = requestTimeout
    }

    public static let `default` = RetryPolicy()

    /// The backoff before retry number `retry` (1-based): `baseDelay·2^(retry-1)` capped, then between half and
    /// all of it, so clients that failed together do not retry together.
    package func backoff(retry: Int) -> Double {
        let full = min(maxDelay, baseDelay * pow(2, Double(max(0, retry - 1))))
        return full / 2 + Double.random(in: 0...(full / 2))
    }
}
