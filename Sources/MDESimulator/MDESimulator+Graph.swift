/// Microsoft Graph routes: `/v1.0|beta/deviceManagement/managedDevices`, `/devices`,
/// `/deviceManagement/auditEvents`, `/subscribedSkus`, `/users` (see `SimulatorRoutes.swift`).
enum GraphRoute: Equatable, Sendable {
    case managedDevices, devices, auditEvents, subscribedSkus, users

    init?(_ lower: [String]) {
        switch Array(lower.dropFirst()) {
        case ["devicemanagement", "manageddevices"]: self = .managedDevices
        case ["devices"]: self = .devices
        case ["devicemanagement", "auditevents"]: self = .auditEvents
        case ["subscribedskus"]: self = .subscribedSkus
        case ["users"]: self = .users
        default: return nil
        }
    }

    var path: String {
        switch self {
        case .managedDevices: "/deviceManagement/managedDevices"
        case .devices: "/devices"
        case .auditEvents: "/deviceManagement/auditEvents"
        case .subscribedSkus: "/subscribedSkus"
        case .users: "/users"
        }
    }

    /// The least-privileged application permission the route needs, then the others that also allow it.
    var permissions: [String] {
        switch self {
        case .managedDevices:
            ["DeviceManagementManagedDevices.Read.All", "DeviceManagementManagedDevices.ReadWrite.All"]
        case .devices: ["Device.Read.All", "Directory.Read.All"]
        case .auditEvents: ["DeviceManagementApps.Read.All", "DeviceManagementApps.ReadWrite.All"]
        case .subscribedSkus: ["Organization.Read.All", "Directory.Read.All"]
        case .users: ["User.Read.All", "Directory.Read.All"]
        }
    }

    /// Default page size and the largest `$top` honoured.
    var pageSizes: (default: Int, max: Int) {
        switch self {
        case .managedDevices: (1000, 1000)
        case .subscribedSkus: (100, 100)
        default: (100, 999)
        }
    }

    var entitySet: String {
        switch self {
        case .managedDevices: "deviceManagement/managedDevices"
        case .devices: "devices"
        case .auditEvents: "deviceManagement/auditEvents"
        case .subscribedSkus: "subscribedSkus"
        case .users: "users"
        }
    }
}

/// "The next listing of `path` stops after `after` items, without a nextLink, while `@odata.count` still says
/// the full number" — Graph's silently truncated listing.
struct GraphTruncation: Sendable {
    /// A route path without the version (`/deviceManagement/managedDevices`); nil: any Graph listing.
    var path: String?
    var after: Int
}

extension SimReply {
    /// Graph's error shape: `{"error":{"code","message","innerError":{"date","request-id","client-request-id"}}}`.
    static func graphError(_ status: Int, _ code: String, _ message: String, requestId: String, date: String)
        -> SimReply
    {
        var w = JSONWriter()
        w.beginObject()
        w.key("error")
        w.beginObject()
        w.field("code", code)
        w.field("message", message)
        w.key("innerError")
        w.beginObject()
        w.field("date", date)
        w.field("request-id", requestId)
        w.field("client-request-id", requestId)
        w.endObject()
        w.endObject()
        w.endObject()
        return json(status, w, contentType: "application/json")
    }
}

extension MDESimulator {
    /// Makes the next listing of `path` (e.g. `/deviceManagement/managedDevices`, either version; nil: any Graph
    /// list) stop after `after` items in all, with no `@odata.nextLink`, while `@odata.count` keeps the full number.
    public func truncateNextGraphListing(path: String? = nil, after: Int) {
        precondition(after >= 0, "after counts items from 0")
        state.withLock { $0.graphTruncations.append(GraphTruncation(path: path, after: after)) }
    }

    /// Replaces the Graph per-app limits; `retryAfter: false` makes its 429s come without `Retry-After`, as some
    /// Intune throttling does.
    public func setGraphRateLimits(_ limits: SimulatedRateLimits, retryAfter: Bool = true) {
        state.withLock { state in
            state.graphLimiter.limits = limits
            state.graphThrottleRetryAfter = retryAfter
        }
    }

    /// Number of Intune managed devices the Graph listing holds right now.
    public var intuneDeviceCount: Int {
        state.withLock { state in state.graph.intune.filter { $0.isListed(at: state.tenant.now) }.count }
    }

    func graphError(_ status: Int, _ code: String, _ message: String, target: String) -> SimReply {
        let date = state.withLock { $0.tenant.now.isoSeconds }
        return .graphError(status, code, message, requestId: target, date: date)
    }

    /// The client id of a live Graph token holding one of the route's permissions, or Graph's 401/403.
    func authorizeGraph(_ request: SimRequest, _ route: GraphRoute, target: String) -> Authorization {
        guard let header = request.authorization, header.lowercased().hasPrefix("bearer ") else {
            return .denied(graphError(401, "InvalidAuthenticationToken", "Access token is empty.", target: target))
        }
        let token = String(header.dropFirst("bearer ".count)).trimmingCharacters(in: .whitespaces)
        guard let issued = state.withLock({ $0.tokens[token] }) else {
            return .denied(
                graphError(
                    401, "InvalidAuthenticationToken", "IDX14100: JWT is not well formed, there are no dots (.).",
                    target: target))
        }
        guard issued.expires > .now else {
            return .denied(
                graphError(
                    401, "InvalidAuthenticationToken", "Lifetime validation failed, the token is expired.",
                    target: target))
        }
        guard issued.forGraph else {
            return .denied(
                graphError(
                    401, "InvalidAuthenticationToken", "Access token validation failure. Invalid audience.",
                    target: target))
        }
        guard route.permissions.contains(where: configuration.graphPermissions.contains) else {
            return .denied(
                graphError(
                    403, "Authorization_RequestDenied",
                    "Insufficient privileges to complete the operation. The application needs the application "
                        + "permission \(route.permissions[0]).", target: target))
        }
        return .client(issued.clientId)
    }

    /// An authorised Graph call: the app's Graph limit, then a random fault, then the listing.
    func answerGraph(
        _ route: SimulatorRoute, _ graph: GraphRoute, beta: Bool, _ request: SimRequest, client: String, target: String
    )
        async -> SimReply
    {
        let (wait, fault, withRetryAfter) = state.withLock { state -> (Int?, InjectedFault?, Bool) in
            if let wait = state.graphLimiter.admit(client, at: .now) {
                return (wait, nil, state.graphThrottleRetryAfter)
            }
            guard !state.faults.rules.isEmpty else { return (nil, nil, true) }
            return (nil, state.faults.pick(state.faultRNG.unit()), true)
        }
        if let wait {
            var reply = graphError(
                429, "TooManyRequests", "Too many requests. Please retry after \(wait) seconds.", target: target)
            if withRetryAfter { reply.headers.append(("Retry-After", String(wait))) }
            return reply
        }
        if let fault { return await injected(fault, for: route, request, client: client, target: target) }
        return graphList(graph, beta: beta, request, target: target)
    }

    /// One page of a Graph collection.
    func graphList(_ route: GraphRoute, beta: Bool, _ request: SimRequest, target: String) -> SimReply {
        func bad(_ message: String) -> SimReply { graphError(400, "BadRequest", message, target: target) }
        let sizes = route.pageSizes
        var top = sizes.default
        if let text = request.queryValue("$top") {
            guard let value = Int(text), value >= 1 else { return bad("Invalid $top value '\(text)'.") }
            top = min(value, sizes.max)
        }
        var offset = 0
        if let token = request.queryValue("$skiptoken") {
            guard let decoded = Self.decodeSkipToken(token) else { return bad("Invalid skip token.") }
            offset = decoded
        }
        let wantsCount = request.queryValue("$count")?.lowercased() == "true"
        let select = request.queryValue("$select").map {
            $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        var predicate: (SimTime, String) -> Bool = { _, _ in true }
        if let filter = request.queryValue("$filter") {
            guard route == .auditEvents else {
                return bad("Invalid filter clause: the simulator filters only auditEvents.")
            }
            guard let parsed = Self.auditFilter(filter) else {
                return bad(
                    "Invalid filter clause '\(filter)'; use activityDateTime gt|ge|lt|le <time> and category eq 'Device'."
                )
            }
            predicate = parsed
        }
        // Only the page's objects are built: building every listed object for each page made a listing
        // cost O(N²/page), minutes at 100,000 devices (issue 22). The first object is built too, for `$select`.
        let skipped = request.queryValue("$skip") != nil && route == .managedDevices
        let (total, first, items, truncation) = state.withLock {
            state -> (Int, [(String, GraphValue)]?, [[(String, GraphValue)]], Int?) in
            let now = state.tenant.now
            let graph = state.graph
            func page<T>(_ listed: [T], _ json: (T) -> [(String, GraphValue)])
                -> (Int, [(String, GraphValue)]?, [[(String, GraphValue)]], Int?)
            {
                let total = listed.count
                // `$skip` does not page Graph's Intune collections: an empty page (graph-and-identity.md §1.1).
                let start = skipped ? total : min(offset, total)
                var end = min(total, start + top)
                var truncation: Int?
                if let index = state.graphTruncations.firstIndex(where: { $0.path == nil || $0.path == route.path }),
                    case let after = state.graphTruncations[index].after, after < min(total, offset + top)
                {
                    truncation = after
                    state.graphTruncations.remove(at: index)
                    end = max(start, min(end, after))
                }
                return (total, listed.first.map(json), listed[start..<end].map(json), truncation)
            }
            switch route {
            case .managedDevices:
                return page(graph.intune.filter { $0.isListed(at: now) }) {
                    graph.managedDeviceJSON($0, beta: beta, now: now)
                }
            case .devices:
                return page(graph.entra.filter { $0.isListed(at: now) }) { graph.entraDeviceJSON($0, now: now) }
            case .auditEvents:
                return page(graph.auditEvents(at: now).filter { predicate($0.1.at, "Device") }) {
                    graph.auditEventJSON($0.0, $0.1)
                }
            case .subscribedSkus: return page(graph.skus) { graph.skuJSON($0) }
            case .users: return page(graph.users) { graph.userJSON($0) }
            }
        }
        let known = Set(first.map { $0.map(\.0) } ?? [])
        if let select, let unknown = select.first(where: { !known.contains($0) && first != nil }) {
            return bad("Could not find a property named '\(unknown)' on type 'microsoft.graph.\(route.entitySet)'.")
        }
        let end = (skipped ? total : min(offset, total)) + items.count
        let keep: Set<String>? = select.map(Set.init) ?? (route == .users ? GraphTenant.userDefaultKeys : nil)
        let version = beta ? "beta" : "v1.0"
        var w = JSONWriter(capacity: 256 + items.count * 900)
        w.beginObject()
        let context = select.map { "\(route.entitySet)(\($0.joined(separator: ",")))" } ?? route.entitySet
        w.field("@odata.context", "\(baseURL(request))/\(version)/$metadata#\(context)")
        // Intune's managedDevices sends its count unasked; the directory collections only with $count=true.
        if wantsCount || route == .managedDevices { w.field("@odata.count", total) }
        if end < total, truncation == nil {
            w.field("@odata.nextLink", graphNextLink(request, offset: end))
        }
        w.key("value")
        w.beginArray()
        for item in items {
            GraphValue.object(keep.map { keep in item.filter { keep.contains($0.0) } } ?? item).write(to: &w)
        }
        w.endArray()
        w.endObject()
        var reply = SimReply.json(200, w, contentType: "application/json;odata.metadata=minimal;odata.streaming=true")
        reply.headers.append(("request-id", target))
        return reply
    }

    private func graphNextLink(_ request: SimRequest, offset: Int) -> String {
        var parts = request.rawQuery.split(separator: "&").map(String.init).filter {
            FormDecoding.decode(Substring($0.split(separator: "=", maxSplits: 1).first ?? "")).lowercased()
                != "$skiptoken"
        }
        parts.append("$skiptoken=\(Self.skipToken(offset))")
        return "\(baseURL(request))\(request.path)?\(parts.joined(separator: "&"))"
    }

    /// An opaque-looking token for an offset (never `$skip`, which Graph does not honour).
    static func skipToken(_ offset: Int) -> String {
        "RFNwdAIAAQAAAD" + String(UInt64(offset) ^ 0x5A17_C0DE_5EED_F00D, radix: 16)
    }

    static func decodeSkipToken(_ token: String) -> Int? {
        guard token.hasPrefix("RFNwdAIAAQAAAD"), let bits = UInt64(token.dropFirst(14), radix: 16) else { return nil }
        let offset = bits ^ 0x5A17_C0DE_5EED_F00D
        return offset < 1 << 40 ? Int(offset) : nil
    }

    /// `activityDateTime gt 2026-11-01T00:00:00Z and category eq 'Device'`: clauses joined by `and`.
    static func auditFilter(_ text: String) -> ((SimTime, String) -> Bool)? {
        var tests: [(SimTime, String) -> Bool] = []
        let clauses = text.components(separatedBy: " and ")
        for clause in clauses {
            let words = clause.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            guard words.count == 3 else { return nil }
            let (name, op, value) = (words[0].lowercased(), words[1].lowercased(), words[2])
            let unquoted =
                value.hasPrefix("'") && value.hasSuffix("'") && value.count >= 2
                ? String(value.dropFirst().dropLast()) : value
            switch (name, op) {
            case ("category", "eq"):
                tests.append { _, category in category.lowercased() == unquoted.lowercased() }
            case ("activitydatetime", _):
                guard let t = SimTime.parse(unquoted) else { return nil }
                switch op {
                case "gt": tests.append { a, _ in a > t }
                case "ge": tests.append { a, _ in a >= t }
                case "lt": tests.append { a, _ in a < t }
                case "le": tests.append { a, _ in a <= t }
                default: return nil
                }
            default: return nil
            }
        }
        return { t, c in tests.allSatisfy { $0(t, c) } }
    }

    /// `POST /_sim/graph-truncate?after=N[&path=/deviceManagement/managedDevices]`, `DELETE` forgets them.
    func graphTruncateControl(_ request: SimRequest) -> SimReply {
        var w = JSONWriter()
        if request.method == "DELETE" {
            state.withLock { $0.graphTruncations.removeAll() }
        } else {
            guard let text = request.queryValue("after"), let after = Int(text), after >= 0 else {
                return .mdeError(400, "InvalidInput", "pass after=N (items before the listing stops)", target: "_sim")
            }
            truncateNextGraphListing(path: request.queryValue("path"), after: after)
        }
        w.beginObject()
        w.field("ok", true)
        w.endObject()
        return .json(200, w, contentType: "application/json; charset=utf-8")
    }
}
