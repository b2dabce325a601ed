import AzureAccess
import Foundation
import Logging

/// The Microsoft Graph client: a Graph token from the shared `TokenProvider`, `@odata.nextLink` paging checked
/// against `@odata.count`, rate limiting and the retry rules of the MDE client, tolerant models.
///
/// ```swift
/// let graph = GraphClient(
///     endpoints: try GraphEndpoints(cloud: .public, tenantId: credentials.tenantId), credentials: credentials)
/// let devices = try await graph.managedDevices(version: .beta)   // throws GraphListingError when cut short
/// print(devices.items.count, graph.statistics().calls)
/// ```
public final class GraphClient: Sendable {
    /// Graph limits Intune calls to 2,000 per 20 s per app; the client keeps to half of that.
    public static let defaultRateLimit = RateLimitPolicy(windows: [.init(limit: 1000, seconds: 20)])

    public let endpoints: GraphEndpoints
    public let rateLimit: RateLimitPolicy
    let transport: HTTPTransport
    let tokens: TokenProvider
    let limiter: RateLimiter

    /// - Parameters:
    ///   - httpClient: `MDEHTTPClient.make` (proxies, an extra CA) or `.shared`; redirects are never followed.
    ///   - clock: where waits happen; tests of waits pass `.immediate()`.
    public init(
        endpoints: GraphEndpoints, credentials: ClientCredentials, rateLimit: RateLimitPolicy = defaultRateLimit,
        httpClient: MDEHTTPClient = .shared, logger: Logger = Logger(label: "mde-ledger.graph"),
        retryPolicy: RetryPolicy = .default, clock: APIClock = .system
    ) {
        self.endpoints = endpoints
        self.rateLimit = rateLimit
        transport = HTTPTransport(http: httpClient, logger: logger, retryPolicy: retryPolicy, clock: clock)
        tokens = TokenProvider(
            endpoints: TokenEndpoint(url: endpoints.tokenURL, scope: endpoints.scope), credentials: credentials,
            transport: transport)
        limiter = RateLimiter.shared(
            tokenURL: endpoints.tokenURL, clientId: credentials.clientId, apiBaseURL: endpoints.baseURL,
            service: "graph", clock: clock)
    }

    /// How this client authenticates (never the material).
    public var credentialKind: CredentialKind { tokens.credentialKind }

    /// A snapshot of this client's counters (calls, retries, throttled, token requests, seconds waited).
    public func statistics() -> MDECallStatistics { transport.statistics.withLock { $0 } }

    /// Called with human-readable waits (`waiting 37 s (throttled by Graph (429))`).
    public func setWaitObserver(_ observer: @escaping @Sendable (String) -> Void) {
        transport.waitObserver.withLock { $0 = observer }
    }

    /// Every Intune managed device. `.beta` adds `managementState` (retire/wipe pending or issued), which v1.0 does
    /// not have at all. Needs `DeviceManagementManagedDevices.Read.All`.
    public func managedDevices(version: GraphVersion = .beta, pageSize: Int? = nil) async throws -> GraphListing<
        IntuneManagedDevice
    > {
        try await list(
            version, "/deviceManagement/managedDevices", permission: "DeviceManagementManagedDevices.Read.All",
            query: pageSize.map { ["$top=\($0)"] } ?? [], decode: IntuneManagedDevice.init(json:))
    }

    /// Every Entra device (deleted ones are absent). Needs `Device.Read.All`.
    public func entraDevices(pageSize: Int? = nil) async throws -> GraphListing<EntraDevice> {
        try await list(
            .v1, "/devices", permission: "Device.Read.All", query: pageSize.map { ["$top=\($0)"] } ?? [],
            decode: EntraDevice.init(json:))
    }

    /// Intune audit events of the `Device` category after `since` (all when nil), oldest first as Graph sends
    /// them. Needs `DeviceManagementApps.Read.All` — not a managed-devices permission.
    public func auditEvents(since: Date? = nil, pageSize: Int? = nil) async throws -> GraphListing<IntuneAuditEvent> {
        var filter = "category eq 'Device'"
        if let since { filter += " and activityDateTime gt \(UTCTime.format(since))" }
        var query = ["$filter=" + Self.encode(filter)]
        if let pageSize { query.append("$top=\(pageSize)") }
        return try await list(
            .v1, "/deviceManagement/auditEvents", permission: "DeviceManagementApps.Read.All", query: query,
            decode: IntuneAuditEvent.init(json:))
    }

    /// The tenant's licences. Needs `Organization.Read.All`.
    public func subscribedSkus() async throws -> GraphListing<SubscribedSku> {
        try await list(
            .v1, "/subscribedSkus", permission: "Organization.Read.All", query: [], count: false,
            decode: SubscribedSku.init(json:))
    }

    /// Every user with its licences and whether it can sign in (`$select`ed: Graph leaves them out otherwise).
    /// Needs `User.Read.All`.
    public func users(pageSize: Int? = nil) async throws -> GraphListing<GraphUser> {
        var query = ["$select=id,userPrincipalName,displayName,assignedLicenses,accountEnabled"]
        if let pageSize { query.append("$top=\(pageSize)") }
        return try await list(
            .v1, "/users", permission: "User.Read.All", query: query, decode: GraphUser.init(json:))
    }

    static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: QueryEncoding.unreserved) ?? text
    }
}

/// A whole Graph collection, as one listing received it.
public struct GraphListing<Item: Sendable>: Sendable {
    /// The items, without ids repeated by a later page.
    public var items: [Item]
    /// `@odata.count` as the first page said (nil when Graph sent none).
    public var count: Int?
    /// The `Date` header of the first page: Graph's "now" for the listing.
    public var serverDate: Date?
    public var pages: Int
}
