import AsyncHTTPClient
import AzureAccess
import Foundation
import Logging

/// The Microsoft Defender for Endpoint API client: token, paging, rate limiting, retries, tolerant models.
///
/// ```swift
/// let client = MDEClient(
///     endpoints: try MDEEndpoints(baseURL: MDEEndpoints.defaultBaseURL,
///                                 tokenURL: MDEEndpoints.defaultTokenURL(tenantId: credentials.tenantId)),
///     credentials: try ClientCredentials.fromEnvironment())
/// for try await page in client.machines() { store(page.items, observedAt: page.serverDate) }
/// print(client.statistics().calls)
/// ```
/// Every API call first takes a slot from a process-wide sliding-window limiter shared by all clients of the same
/// app (token URL + client id) and API host, so the client itself never causes a 429. Waits are reported through
/// `setWaitObserver(_:)`, or the logger when no observer is set.
public final class MDEClient: Sendable {
    public let endpoints: MDEEndpoints
    public let rateLimit: RateLimitPolicy
    let transport: HTTPTransport
    let tokens: TokenProvider
    let limiter: RateLimiter

    /// - Parameters:
    ///   - rateLimit: the limits this client keeps to; calls are counted across all clients of the same app and host.
    ///   - httpClient: `MDEHTTPClient.make` (proxies, an extra CA) or `.shared`; redirects are never followed.
    ///   - retryPolicy: retry counts, backoff, timeouts and the response size limit.
    ///   - clock: where waits happen and rate-limit windows are measured; tests of waits pass `.immediate()`.
    public init(
        endpoints: MDEEndpoints, credentials: ClientCredentials, rateLimit: RateLimitPolicy = .mdeDefault,
        httpClient: MDEHTTPClient = .shared, logger: Logger = Logger(label: "mde-ledger.api"),
        retryPolicy: RetryPolicy = .default, clock: APIClock = .system
    ) {
        self.endpoints = endpoints
        self.rateLimit = rateLimit
        transport = HTTPTransport(http: httpClient, logger: logger, retryPolicy: retryPolicy, clock: clock)
        tokens = TokenProvider(
            endpoints: TokenEndpoint(url: endpoints.tokenURL, scope: endpoints.scope), credentials: credentials,
            transport: transport)
        limiter = RateLimiter.shared(
            tokenURL: endpoints.tokenURL, clientId: credentials.clientId, apiBaseURL: endpoints.baseURL, clock: clock)
    }

    /// How this client authenticates (never the material): a run records it.
    public var credentialKind: CredentialKind { tokens.credentialKind }

    /// A snapshot of this client's counters.
    public func statistics() -> MDECallStatistics {
        transport.statistics.withLock { $0 }
    }

    /// Called with human-readable waits (`waiting 37 s (rate limit)`) so a CLI can show them on its progress line.
    /// Waits shorter than a second are not reported; with an observer set they are not logged either (the observer
    /// shows them, and a log line would show them twice). Replaces any earlier observer.
    public func setWaitObserver(_ observer: @escaping @Sendable (String) -> Void) {
        transport.waitObserver.withLock { $0 = observer }
    }

    /// All machines, page by page, fetched as the caller iterates: `$top=pageSize&$skip=n` until a short page,
    /// following `@odata.nextLink` when the service sends one. Ids already seen on an earlier page are dropped.
    /// A 404 (the service's answer when it has no recent machines) is an empty list.
    /// - Parameters:
    ///   - filter: an OData `$filter` expression, e.g. `lastSeen gt 2026-11-01T00:00:00Z`; encoded here.
    ///   - pageSize: 1…10,000 (the service's maximum).
    public func machines(filter: String? = nil, pageSize: Int = 10_000) -> MDEPages<Machine> {
        MDEPages(
            client: self, path: "/api/machines", filter: filter, pageSize: pageSize, notFoundIsEmpty: true,
            decode: Machine.init(json:), id: \.id)
    }

    /// All machine actions, page by page, like `machines(filter:pageSize:)` (a 404 is an error here).
    public func machineActions(filter: String? = nil, pageSize: Int = 10_000) -> MDEPages<MachineAction> {
        MDEPages(
            client: self, path: "/api/machineactions", filter: filter, pageSize: pageSize, notFoundIsEmpty: false,
            decode: MachineAction.init(json:), id: \.id)
    }

    /// One machine by id (the service also accepts a computer name). Throws `MDEAPIError` with status 404 if unknown.
    public func machine(id: String) async throws -> Machine {
        let path = "/api/machines/\(Self.pathSegment(id))"
        let response = try await send(APIRequest(method: "GET", path: path, hint404: "check the machine id"))
        return try Self.decodeEntity(response.json, at: "GET \(path)", Machine.init(json:))
    }

    /// A machine as the service lists it right now, and the service's clock (its `Date` header), for the live
    /// re-check before an offboard request; nil when the service no longer lists it (404).
    public func currentMachine(id: String) async throws -> (machine: Machine?, serviceTime: Date?) {
        let path = "/api/machines/\(Self.pathSegment(id))"
        let response = try await send(APIRequest(method: "GET", path: path, notFoundIsAnswer: true))
        guard response.status != 404 else { return (nil, response.serverDate) }
        return (try Self.decodeEntity(response.json, at: "GET \(path)", Machine.init(json:)), response.serverDate)
    }

    /// One machine action by id (a GUID).
    public func machineAction(id: String) async throws -> MachineAction {
        let path = "/api/machineactions/\(Self.pathSegment(id))"
        let response = try await send(APIRequest(method: "GET", path: path, hint404: "check the action id"))
        return try Self.decodeEntity(response.json, at: "GET \(path)", MachineAction.init(json:))
    }

    /// Asks MDE to offboard a machine: `POST /api/machines/{id}/offboard` with `{"Comment": comment}`.
    /// Returns the new Offboard action (usually `Pending`); 200 and 201 are both success.
    ///
    /// Offboarding is not idempotent, so only failures that prove the request was not processed (429, 401) are
    /// retried; after a 5xx or a lost connection the error says to check the machine's actions before resending.
    public func offboard(machineId: String, comment: String) async throws -> MachineAction {
        let path = "/api/machines/\(Self.pathSegment(machineId))/offboard"
        let body = JSONValue.object(["Comment": .string(comment)]).canonicalText()
        let response = try await send(
            APIRequest(
                method: "POST", path: path, body: Data(body.utf8), accepted: [200, 201], idempotent: false,
                permission: "Machine.Offboard", hint404: "check the machine id"))
        return try Self.decodeEntity(response.json, at: "POST \(path)", MachineAction.init(json:))
    }

    /// Decodes a single-entity response, dropping `@odata.*` annotations so `raw` matches the list form.
    static func decodeEntity<Item>(
        _ json: JSONValue, at place: String, _ decode: (JSONValue) throws -> Item
    ) throws -> Item {
        do {
            guard case .object(let members) = json else { return try decode(json) }
            return try decode(.object(members.filter { !$0.key.hasPrefix("@odata.") }))
        } catch let error as MDEDecodingError {
            throw error.at(place)
        }
    }

    /// Percent-encodes one path segment (machine ids are hex, but the service also accepts computer names).
    static func pathSegment(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: QueryEncoding.unreserved) ?? text
    }
}
