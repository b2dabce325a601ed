/// A route and a response status, the key of the simulator's request counts.
///
/// `route` is the method and route pattern, for example `GET /api/machines/{id}`.
public struct RouteStatus: Hashable, Sendable, CustomStringConvertible {
    public var route: String
    public var status: Int

    public init(route: String, status: Int) {
        self.route = route
        self.status = status
    }

    public var description: String { "\(route) \(status)" }
}

/// How an injected failure breaks a request.
public enum InjectedFault: Sendable, Equatable {
    /// Answer with this HTTP status and MDE's error body for it (429 also carries `Retry-After: 1`).
    case status(Int)
    /// Close the connection without answering.
    case reset
    /// Send the headers and half of the real body, then close the connection.
    case truncate
    /// Wait this many (real) seconds, then answer normally.
    case delay(Double)
    /// Process the request as usual (an offboard creates its action), then close the connection without
    /// answering: the lost answer a client must reconcile.
    case dropResponse
    /// The request's token expires just before it is checked, as a token revoked or cut short server-side: the
    /// request is refused with MDE's 401 "The access token has expired." and the token stays dead.
    case expireToken
    /// Process the request as usual, then answer with its status and a body that is not JSON: the service
    /// acted, but its answer cannot be read.
    case garbledBody
    /// Answer 400 with an error whose message echoes the request (its body and `Authorization` header), as some
    /// gateways and debug endpoints do: a client must not pass the secret it sent on to its output or storage.
    case echoRequest
}

/// "The `occurrence`-th matching request from now fails with `fault`."
struct FailRule: Sendable {
    var method: String
    /// A request path (`/api/machines`) or route pattern (`/api/machines/{id}`).
    var path: String
    var remaining: Int
    var fault: InjectedFault

    func matches(method: String, path: String, pattern: String) -> Bool {
        self.method == method && (self.path == path || self.path == pattern)
    }
}

struct IssuedToken: Sendable {
    var clientId: String
    var expires: ContinuousClock.Instant
    /// False for a token whose scope names another API, which MDE answers with 403.
    var forMDE: Bool
    /// True for a Microsoft Graph token (scope `https://graph.microsoft.com/.default`); Graph answers any other
    /// token with 401 "Invalid audience".
    var forGraph = false
}

/// Everything mutable in a running simulator, guarded by one lock.
struct SimulatorState: Sendable {
    var tenant: Tenant
    var tokens: [String: IssuedToken] = [:]
    var tokensIssued: UInt64 = 0
    /// The `jti` of every client assertion accepted: a second use is a replay.
    var assertionIds: Set<String> = []
    /// Keys the Azure Arc endpoint handed out in its 401 challenges.
    var arcKeys: Set<String> = []
    var requestsSeen: UInt64 = 0
    var counts: [RouteStatus: Int] = [:]
    /// Offboard requests that reached the handler, by lower-cased machine id or name as requested.
    var offboardRequests: [String: Int] = [:]
    var failRules: [FailRule] = []
    var boundPort: Int?
    var limiter: SlidingWindowLimiter
    var faults: SimulatedFaults
    /// Draws one number per admitted API call to pick its random fault.
    var faultRNG: SplitMix64
    /// The Graph side of the tenant (`GraphTenant`), its per-app limits and pending truncated listings.
    var graph: GraphTenant
    var graphLimiter: SlidingWindowLimiter
    var graphThrottleRetryAfter = true
    var graphTruncations: [GraphTruncation] = []

    init(tenant: Tenant, configuration: SimulatorConfiguration) {
        self.tenant = tenant
        graph = GraphTenant(machines: tenant.machines, seed: configuration.seed, now: tenant.now)
        graphLimiter = SlidingWindowLimiter(limits: configuration.graphRateLimits)
        limiter = SlidingWindowLimiter(limits: configuration.rateLimits)
        faults = configuration.faults
        faultRNG = Self.faultRNG(seed: configuration.seed)
    }

    /// The fault stream restarts from the seed whenever faults are set, so a run is repeatable.
    static func faultRNG(seed: UInt64) -> SplitMix64 { SplitMix64(seed: seed).fork(3) }

    /// Counts the request against every rule for it and returns the fault of the first rule that fires.
    mutating func takeFault(method: String, path: String, pattern: String) -> InjectedFault? {
        var fired: InjectedFault?
        for i in failRules.indices where failRules[i].matches(method: method, path: path, pattern: pattern) {
            failRules[i].remaining -= 1
            if failRules[i].remaining == 0, fired == nil { fired = failRules[i].fault }
        }
        failRules.removeAll { $0.remaining <= 0 }
        return fired
    }
}
