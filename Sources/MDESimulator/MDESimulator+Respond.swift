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
        if let fault, fault != .dropResponse {
            reply = await injected(fault, for: route, request, target: target)
        } else if case .graph(let graph, let beta) = route {
            switch authorizeGraph(request, graph, target: target) {
            case .denied(let denial): reply = denial
            case .client(let client):
                reply = await answerGraph(route, graph, beta: beta, request, client: client, target: target)
            }
        } else if route.needsToken {
            switch authorize(request, target: target) {
            case .denied(let denial): reply = denial
            case .client(let client): reply = await answerAPI(route, request, client: client, target: target)
            }
        } else {
            reply = dispatch(route, request, target: target)
        }
        if fault == .dropResponse { reply.transport = .reset }
        let key = RouteStatus(route: "\(request.method) \(route.pattern)", status: reply.status)
        let now = state.withLock { state in
            state.counts[key, default: 0] += 1
            return state.tenant.now
        }
        reply.headers.append(("Date", now.httpDate))
        return reply
    }

    func dispatch(_ route: SimulatorRoute, _ request: SimRequest, client: String = "", target: String) -> SimReply {
        switch route {
        case .offboard(let id): return offboard(id, request, client: client, target: target)
        case .findByTag: return findByTag(request, target: target)
        case .tags(let id): return tagMachine(id, request, target: target)
        case .multiTag: return tagMachines(request, target: target)
        case .token(let tenant): return issueToken(tenant: tenant, request)
        case .identityToken: return issueIdentityToken(request)
        case .machines: return listMachines(request, target: target)
        case .machine(let id): return getMachine(id, request, target: target)
        case .actions: return listActions(request, target: target)
        case .action(let id): return getAction(id, request, target: target)
        case .stats: return statsReply()
        case .fail: return failControl(request)
        case .clock: return clockControl(request)
        case .faults: return faultsControl(request)
        case .rateLimit: return rateLimitControl(request)
        case .graph(let graph, let beta): return graphList(graph, beta: beta, request, target: target)
        case .graphTruncate: return graphTruncateControl(request)
        case .notFound:
            return .mdeError(404, "ResourceNotFound", "no route for \(request.method) \(request.path)", target: target)
        case .methodNotAllowed:
            return .mdeError(
                405, "MethodNotAllowed", "\(request.method) is not allowed on \(request.path)", target: target)
        }
    }

    /// The reply for an injected fault; `truncate` carries the real body so half of it can be sent.
    func injected(
        _ fault: InjectedFault, for route: SimulatorRoute, _ request: SimRequest, client: String = "", target: String
    ) async
        -> SimReply
    {
        switch fault {
        case .reset, .dropResponse:
            return SimReply(status: 0, transport: .reset)
        case .truncate:
            var reply = dispatch(route, request, client: client, target: target)
            reply.transport = .truncate
            return reply
        case .garbledBody:
            var reply = dispatch(route, request, client: client, target: target)
            reply.body = Array("{\"@odata.context\": \"garbled".utf8)
            return reply
        case .echoRequest:
            let echo =
                "received: " + String(decoding: request.body, as: UTF8.self)
                + " authorization=\(request.authorization ?? "-")"
            if case .token = route { return SimReply.oauthError(400, "invalid_request", echo) }
            if route.isGraph { return graphError(400, "BadRequest", echo, target: target) }
            return SimReply.mdeError(400, "BadRequest", echo, target: target)
        case .delay(let seconds):
            try? await Task.sleep(for: .seconds(seconds))
            return dispatch(route, request, client: client, target: target)
        case .expireToken:
            if let header = request.authorization, header.lowercased().hasPrefix("bearer ") {
                let token = String(header.dropFirst("bearer ".count)).trimmingCharacters(in: .whitespaces)
                state.withLock { $0.tokens[token]?.expires = .now }
            }
            if case .graph(let graph, _) = route {
                if case .denied(let denial) = authorizeGraph(request, graph, target: target) { return denial }
            } else if case .denied(let denial) = authorize(request, target: target) {
                return denial
            }
            return dispatch(route, request, client: client, target: target)
        case .status(let status):
            var reply =
                route.isGraph
                ? graphError(status, Self.errorCode(status), Self.errorMessage(status), target: target)
                : SimReply.mdeError(status, Self.errorCode(status), Self.errorMessage(status), target: target)
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
