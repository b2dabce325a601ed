/// The simulator's routes.
///
/// MDE API (all but the token endpoint need `Authorization: Bearer <token>`):
/// - `POST /{tenantId}/oauth2/v2.0/token` — form-encoded client credentials; scope
///   `https://api.securitycenter.microsoft.com/.default`.
/// - `GET /metadata/identity/oauth2/token` (IMDS, or Azure Arc with its 401 key challenge) and `GET /msi/token`
///   (App Service) — managed identity tokens, when `SimulatorConfiguration.managedIdentity` is set.
/// - `GET /api/machines`, `GET /api/machines/{id}` (id or computer name)
/// - `GET /api/machineactions`, `GET /api/machineactions/{id}`
/// - `POST /api/machines/{id}/offboard` `{"Comment":"…"}` → 201 MachineAction (Pending until the device reports)
/// - `POST /api/machines/{id}/tags` `{"Value":"…","Action":"Add"|"Remove"}` → 200 Machine
/// - `POST /api/machines/AddOrRemoveTagForMultipleMachines` `{"Value","Action","MachineIds":[…]}` (≤ 500 ids)
///   → 200 Machines
/// - `GET /api/machines/findbytag?tag=…&useStartsWithFilter=true|false` → 200 Machines carrying the tag
///
/// Lists take `$filter`, `$top` (≤ 10,000) and `$skip`; without `$top` they return 10,000 items and an
/// `@odata.nextLink`. Errors use MDE's `{"error":{"code","message","target"}}` body.
///
/// Test controls (a prefix the real API never uses; no token needed, never counted against faults):
/// - `GET /_sim/stats` — request counts by route pattern and status, and offboard requests per machine:
///   `{"total":5,"requests":[{"route":"GET /api/machines","status":200,"count":3}, …],"offboards":{"<id>":1}}`.
/// - `POST /_sim/fail?route=GET%20/api/machines&occurrence=3&status=500` — the 3rd matching request from now
///   answers 500. `route` is a method and a path or route pattern (`GET /api/machines/{id}`); `occurrence`
///   defaults to 1; instead of `status` (default 500) pass `fault=reset` or `fault=truncate`, or `fault=drop`
///   to process the request (an offboard creates its action) and then close the connection unanswered.
/// - `DELETE /_sim/fail` — forget all pending failures.
/// - `GET /_sim/clock` — `{"now":"2026-11-02T09:00:00Z"}`, the virtual clock.
/// - `POST /_sim/clock?advance=86400` — move the virtual clock (and the tenant's life) forward by that many
///   seconds; `POST /_sim/clock?to=2026-12-01T00:00:00Z` — forward to that time.
/// - `GET /_sim/faults` — `{"spec":"500@0.05,reset@0.01"}`, the random faults in force (`none` if none).
/// - `POST /_sim/faults?spec=500@0.05,429@0.02,reset@0.01,truncate@0.01,delay=2s@0.01,token-ttl=120s` — set
///   them (same syntax as `--faults`; the seeded fault sequence restarts); `DELETE /_sim/faults` — no faults.
/// - `GET /_sim/rate-limit` — `{"spec":"100/60s,1500/3600s"}`; `POST /_sim/rate-limit?spec=5/60s` sets the
///   per-client limits (same syntax as `--rate-limit`); `DELETE /_sim/rate-limit` — no limits.
///
/// Random faults and rate limits apply to the `/api/…` routes only, after the token check; 429s carry
/// `Retry-After` (seconds). A `/_sim/fail` rule applies to any non-control route, the token endpoint included.
///
/// Microsoft Graph (`GraphTenant`: the same devices as the MDE tenant, joined by Entra device id), under `/v1.0`
/// and `/beta`, with a Graph token (scope `https://graph.microsoft.com/.default`, or managed identity resource
/// `https://graph.microsoft.com`; `SimulatorConfiguration.graphScopes`); an MDE token gets Graph's 401
/// `InvalidAuthenticationToken` "Invalid audience", a Graph token on `/api/…` MDE's 403; a route whose
/// application permission is not in `SimulatorConfiguration.graphPermissions` answers 403
/// `Authorization_RequestDenied` naming it:
/// - `GET /{v1.0|beta}/deviceManagement/managedDevices` (DeviceManagementManagedDevices.Read.All) — Intune devices;
///   `managementState` on beta only; `@odata.count` always; default and largest page 1,000; `$skip` gives an
///   empty page.
/// - `GET /{v}/devices` (Device.Read.All) — Entra devices; deleted ones are absent.
/// - `GET /{v}/deviceManagement/auditEvents` (DeviceManagementApps.Read.All) — one event per Intune retire, wipe
///   or delete; `$filter=activityDateTime gt <time> and category eq 'Device'`.
/// - `GET /{v}/subscribedSkus` (Organization.Read.All), `GET /{v}/users` (User.Read.All; `assignedLicenses` and
///   `accountEnabled` only when `$select`ed, as Graph does).
/// Lists page with `@odata.nextLink` carrying an opaque `$skiptoken` (100 items by default, `$top` up to 999),
/// `@odata.count` with `$count=true`. Per-app limits (`graphRateLimits`, 2,000 per 20 s) answer 429 with
/// `Retry-After` (without it after `setGraphRateLimits(_:retryAfter: false)`); `/_sim/fail` rules and random
/// faults apply as to `/api/…`, with Graph's error body.
/// - `POST /_sim/graph-truncate?after=N[&path=/deviceManagement/managedDevices]` — the next listing (of that
///   path, either version) stops after N items with no nextLink while `@odata.count` keeps the full number;
///   `DELETE` forgets pending ones (in-process: `truncateNextGraphListing(path:after:)`).
enum SimulatorRoute: Equatable {
    case token(tenant: String)
    /// IMDS and Azure Arc: `GET /metadata/identity/oauth2/token`; App Service: `GET /msi/token`.
    case identityToken
    case machines
    case machine(String)
    case findByTag
    case offboard(String)
    case tags(String)
    case multiTag
    case actions
    case action(String)
    case stats
    case fail
    case clock
    case faults
    case rateLimit
    /// A Microsoft Graph collection, on `/beta` or `/v1.0`.
    case graph(GraphRoute, beta: Bool)
    case graphTruncate
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
        case 4 where lower == ["metadata", "identity", "oauth2", "token"]: route = .identityToken
        case 2 where lower == ["msi", "token"]: route = .identityToken
        case 2 where lower == ["api", "machines"]: route = .machines
        case 3 where lower == ["api", "machines", "addorremovetagformultiplemachines"] && method == "POST":
            (route, allowed) = (.multiTag, ["POST"])
        case 3 where lower == ["api", "machines", "findbytag"]: route = .findByTag
        case 3 where lower[0] == "api" && lower[1] == "machines": route = .machine(parts[2])
        case 4 where lower[0] == "api" && lower[1] == "machines" && lower[3] == "offboard":
            (route, allowed) = (.offboard(parts[2]), ["POST"])
        case 4 where lower[0] == "api" && lower[1] == "machines" && lower[3] == "tags":
            (route, allowed) = (.tags(parts[2]), ["POST"])
        case 2 where lower == ["api", "machineactions"]: route = .actions
        case 3 where lower[0] == "api" && lower[1] == "machineactions": route = .action(parts[2])
        case 2 where lower == ["_sim", "stats"]: route = .stats
        case 2 where lower == ["_sim", "fail"]: (route, allowed) = (.fail, ["POST", "DELETE"])
        case 2 where lower == ["_sim", "clock"]: (route, allowed) = (.clock, ["GET", "POST"])
        case 2 where lower == ["_sim", "faults"]: (route, allowed) = (.faults, ["GET", "POST", "DELETE"])
        case 2 where lower == ["_sim", "rate-limit"]: (route, allowed) = (.rateLimit, ["GET", "POST", "DELETE"])
        case 2 where lower == ["_sim", "graph-truncate"]: (route, allowed) = (.graphTruncate, ["POST", "DELETE"])
        case 2...3 where lower[0] == "v1.0" || lower[0] == "beta":
            if let graph = GraphRoute(lower) {
                route = .graph(graph, beta: lower[0] == "beta")
            } else {
                route = .notFound
            }
        default: route = .notFound
        }
        self = route == .notFound || allowed.contains(method) ? route : .methodNotAllowed
    }

    /// The route pattern used in request counts and matched by `failRequest`.
    var pattern: String {
        switch self {
        case .token: "/{tenantId}/oauth2/v2.0/token"
        case .identityToken: "(identity endpoint)"
        case .machines: "/api/machines"
        case .machine: "/api/machines/{id}"
        case .findByTag: "/api/machines/findbytag"
        case .offboard: "/api/machines/{id}/offboard"
        case .tags: "/api/machines/{id}/tags"
        case .multiTag: "/api/machines/AddOrRemoveTagForMultipleMachines"
        case .actions: "/api/machineactions"
        case .action: "/api/machineactions/{id}"
        case .stats: "/_sim/stats"
        case .fail: "/_sim/fail"
        case .clock: "/_sim/clock"
        case .faults: "/_sim/faults"
        case .rateLimit: "/_sim/rate-limit"
        case .graph(let graph, let beta): (beta ? "/beta" : "/v1.0") + graph.path
        case .graphTruncate: "/_sim/graph-truncate"
        case .notFound, .methodNotAllowed: "(unmatched)"
        }
    }

    var isControl: Bool { [.stats, .fail, .clock, .faults, .rateLimit, .graphTruncate].contains(self) }
    var isGraph: Bool {
        if case .graph = self { return true }
        return false
    }
    var needsToken: Bool {
        switch self {
        case .machines, .machine, .findByTag, .offboard, .tags, .multiTag, .actions, .action: true
        default: false
        }
    }
}
