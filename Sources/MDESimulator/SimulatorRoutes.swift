/// The simulator's routes.
///
/// MDE API (all but the token endpoint need `Authorization: Bearer <token>`):
/// - `POST /{tenantId}/oauth2/v2.0/token` — form-encoded client credentials; scope
///   `https://api.securitycenter.microsoft.com/.default`.
/// - `GET /api/machines`, `GET /api/machines/{id}` (id or computer name)
/// - `GET /api/machineactions`, `GET /api/machineactions/{id}`
///   Lists take `$filter`, `$top` (≤ 10,000) and `$skip`; without `$top` they return 10,000 items and an
///   `@odata.nextLink`.
///
/// Test controls (a prefix the real API never uses; no token needed, never counted against faults):
/// - `GET /_sim/stats` — request counts by route pattern and status:
///   `{"total":5,"requests":[{"route":"GET /api/machines","status":200,"count":3}, …]}`.
/// - `POST /_sim/fail?route=GET%20/api/machines&occurrence=3&status=500` — the 3rd matching request from now
///   answers 500. `route` is a method and a path or route pattern (`GET /api/machines/{id}`); `occurrence`
///   defaults to 1; instead of `status` (default 500) pass `fault=reset` or `fault=truncate`.
/// - `DELETE /_sim/fail` — forget all pending failures.
/// - `GET /_sim/clock` — `{"now":"2026-11-02T09:00:00Z"}`, the virtual clock.
/// - `POST /_sim/clock?advance=86400` — move the virtual clock forward by that many seconds.
/// - `GET /_sim/faults` — `{"spec":"500@0.05,reset@0.01"}`, the random faults in force (`none` if none).
/// - `POST /_sim/faults?spec=500@0.05,429@0.02,reset@0.01,truncate@0.01,delay=2s@0.01,token-ttl=120s` — set
///   them (same syntax as `--faults`; the seeded fault sequence restarts); `DELETE /_sim/faults` — no faults.
/// - `GET /_sim/rate-limit` — `{"spec":"100/60s,1500/3600s"}`; `POST /_sim/rate-limit?spec=5/60s` sets the
///   per-client limits (same syntax as `--rate-limit`); `DELETE /_sim/rate-limit` — no limits.
///
/// Random faults and rate limits apply to the `/api/…` routes only, after the token check; 429s carry
/// `Retry-After` (seconds). A `/_sim/fail` rule applies to any non-control route, the token endpoint included.
enum SimulatorRoute: Equatable {
    case token(tenant: String)
    case machines
    case machine(String)
    case actions
    case action(String)
    case stats
    case fail
    case clock
    case faults
    case rateLimit
    case notFound
    case methodNotAllowed

    init(method: String, path: String) {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true).map { FormDecoding.decode($0) }
        let lower = parts.map { $0.lowercased() }
        let route: SimulatorRoute
        var allowed = ["GET"]
        switch lower.count {
        case 4 where lower[1] == "oauth2" && lower[2] == "v2.0" && lower[3] == "token":
            (route, allowed) = (.token(tenant: parts[0]), ["POST"])
        case 2 where lower == ["api", "machines"]: route = .machines
        case 3 where lower[0] == "api" && lower[1] == "machines": route = .machine(parts[2])
        case 2 where lower == ["api", "machineactions"]: route = .actions
        case 3 where lower[0] == "api" && lower[1] == "machineactions": route = .action(parts[2])
        case 2 where lower == ["_sim", "stats"]: route = .stats
        case 2 where lower == ["_sim", "fail"]: (route, allowed) = (.fail, ["POST", "DELETE"])
        case 2 where lower == ["_sim", "clock"]: (route, allowed) = (.clock, ["GET", "POST"])
        case 2 where lower == ["_sim", "faults"]: (route, allowed) = (.faults, ["GET", "POST", "DELETE"])
        case 2 where lower == ["_sim", "rate-limit"]: (route, allowed) = (.rateLimit, ["GET", "POST", "DELETE"])
        default: route = .notFound
        }
        self = route == .notFound || allowed.contains(method) ? route : .methodNotAllowed
    }

    /// The route pattern used in request counts and matched by `failRequest`.
    var pattern: String {
        switch self {
        case .token: "/{tenantId}/oauth2/v2.0/token"
        case .machines: "/api/machines"
        case .machine: "/api/machines/{id}"
        case .actions: "/api/machineactions"
        case .action: "/api/machineactions/{id}"
        case .stats: "/_sim/stats"
        case .fail: "/_sim/fail"
        case .clock: "/_sim/clock"
        case .faults: "/_sim/faults"
        case .rateLimit: "/_sim/rate-limit"
        case .notFound, .methodNotAllowed: "(unmatched)"
        }
    }

    var isControl: Bool { [.stats, .fail, .clock, .faults, .rateLimit].contains(self) }
    var needsToken: Bool {
        switch self {
        case .machines, .machine, .actions, .action: true
        default: false
        }
    }
}

extension MDESimulator {
    /// Answers one request: injected faults first, then the token check, then the route's handler.
    func respond(to request: SimRequest) async -> SimReply {
        let route = SimulatorRoute(method: request.method, path: request.path)
        let (fault, target) = state.withLock { state in
            state.requestsSeen += 1
            let fault =
                route.isControl
                ? nil : state.takeFault(method: request.method, path: request.path, pattern: route.pattern)
            return (fault, Self.trackingId(state.requestsSeen))
        }
        var reply: SimReply
        if let fault {
            reply = await injected(fault, for: route, request, target: target)
        } else if route.needsToken {
            switch authorize(request, target: target) {
            case .denied(let denial): reply = denial
            case .client(let client): reply = await answerAPI(route, request, client: client, target: target)
            }
        } else {
            reply = dispatch(route, request, target: target)
        }
        let key = RouteStatus(route: "\(request.method) \(route.pattern)", status: reply.status)
        let now = state.withLock { state in
            state.counts[key, default: 0] += 1
            return state.tenant.now
        }
        reply.headers.append(("Date", now.httpDate))
        return reply
    }

    func dispatch(_ route: SimulatorRoute, _ request: SimRequest, target: String) -> SimReply {
        switch route {
        case .token(let tenant): return issueToken(tenant: tenant, request)
        case .machines: return listMachines(request, target: target)
        case .machine(let id): return getMachine(id, request, target: target)
        case .actions: return listActions(request, target: target)
        case .action(let id): return getAction(id, request, target: target)
        case .stats: return statsReply()
        case .fail: return failControl(request)
        case .clock: return clockControl(request)
        case .faults: return faultsControl(request)
        case .rateLimit: return rateLimitControl(request)
        case .notFound:
            return .mdeError(404, "ResourceNotFound", "no route for \(request.method) \(request.path)", target: target)
        case .methodNotAllowed:
            return .mdeError(
                405, "MethodNotAllowed", "\(request.method) is not allowed on \(request.path)", target: target)
        }
    }

    /// The reply for an injected fault; `truncate` carries the real body so half of it can be sent.
    func injected(_ fault: InjectedFault, for route: SimulatorRoute, _ request: SimRequest, target: String) async
        -> SimReply
    {
        switch fault {
        case .reset:
            return SimReply(status: 0, transport: .reset)
        case .truncate:
            var reply = dispatch(route, request, target: target)
            reply.transport = .truncate
            return reply
        case .delay(let seconds):
            try? await Task.sleep(for: .seconds(seconds))
            return dispatch(route, request, target: target)
        case .status(let status):
            var reply = SimReply.mdeError(status, Self.errorCode(status), Self.errorMessage(status), target: target)
            if status == 429 { reply.headers.append(("Retry-After", "1")) }
            return reply
        }
    }

    static func errorCode(_ status: Int) -> String {
        switch status {
        case 400: "BadRequest"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "NotFound"
        case 429: "TooManyRequests"
        case 503: "ServiceUnavailable"
        default: "InternalServerError"
        }
    }

    static func errorMessage(_ status: Int) -> String {
        switch status {
        case 429: "Rate limit is exceeded. Try again later."
        case 500...: "The server temporarily failed. Try sending the HTTP request again."
        default: "Injected failure (\(status))."
        }
    }

    /// A per-request correlation id for error bodies, deterministic for a given request sequence.
    static func trackingId(_ n: UInt64) -> String {
        let digits = String(n, radix: 16)
        return "5e1a0000-0000-4000-8000-" + String(repeating: "0", count: max(0, 12 - digits.count)) + digits
    }
}
