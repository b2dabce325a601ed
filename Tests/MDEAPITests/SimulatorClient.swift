import Foundation
import MDEAPI
import MDESimulator
import MDETestSupport

/// Retry delays small enough that retry tests finish at once (no test asserts on elapsed time).
let fastRetries = RetryPolicy(baseDelay: 0.001, maxDelay: 0.01, defaultRetryAfter: 0.01, maxRetryAfter: 0.01)

extension RunningSimulator {
    /// A client for this simulator with its own credentials (or `secret` instead of the right one). On the
    /// immediate clock (the default) its waits take no time, so retry tests keep the real delays and assert them;
    /// tests of pacing against the simulator's own rate limits, which run on real time, pass `.system`.
    func client(
        secret: String? = nil, rateLimit: RateLimitPolicy = .mdeDefault, retryPolicy: RetryPolicy = .default,
        clock: APIClock = .immediate()
    ) throws -> MDEClient {
        let configuration = simulator.configuration
        return MDEClient(
            endpoints: try MDEEndpoints(baseURL: baseURL, tokenURL: tokenURL),
            credentials: ClientCredentials(
                tenantId: configuration.tenantId, clientId: configuration.clientId,
                clientSecret: secret ?? configuration.clientSecret),
            rateLimit: rateLimit, retryPolicy: retryPolicy, clock: clock)
    }

    var tokenRoute: String { "POST /{tenantId}/oauth2/v2.0/token" }
}

/// Every page of a listing, in order.
func collect<Item>(_ pages: MDEPages<Item>) async throws -> [MDEPage<Item>] {
    var result: [MDEPage<Item>] = []
    for try await page in pages { result.append(page) }
    return result
}
