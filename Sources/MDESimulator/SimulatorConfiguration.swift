import Foundation

/// Settings for one simulated MDE tenant and the HTTP server that serves it.
///
/// Everything the tenant contains is derived from `seed` and `devices`, so two simulators with the same
/// configuration serve byte-identical JSON.
///
/// ```swift
/// let simulator = MDESimulator(configuration: .init(seed: 7, devices: 25_001, port: 0))
/// ```
public struct SimulatorConfiguration: Sendable, Equatable {
    /// The tenant id the simulator uses by default.
    public static let defaultTenantId = "00000000-0000-4000-8000-000000000001"
    /// The virtual clock's default start, 2026-11-02T09:00:00Z.
    public static let defaultStart = Date(timeIntervalSince1970: 1_793_610_000)

    /// Seed of the deterministic generator.
    public var seed: UInt64
    /// Number of machines in the tenant.
    public var devices: Int
    /// The Entra tenant id expected in the token URL.
    public var tenantId: String
    /// The only client id the token endpoint accepts.
    public var clientId: String
    /// The only client secret the token endpoint accepts.
    public var clientSecret: String
    /// Federated tokens the app trusts (workload identity federation: the `client_assertion` a Kubernetes service
    /// account token file holds); set in-process with `trustFederatedToken`.
    public var federatedTokens: Set<String> = []
    /// False for an app that has no client secret, only certificates or federated credentials (what security teams
    /// that forbid secrets configure): a client secret, even the right one, is refused.
    public var allowsClientSecret = true
    /// PEM certificates registered for the app: a client assertion signed with one of their keys is accepted.
    public var certificates: [String] = []
    /// Scopes that yield an MDE token: the commercial cloud's by default; a US Government tenant's app is known
    /// by its cloud's identifier URI instead.
    public var scopes: Set<String> = MDESimulator.commercialScopes
    /// Scopes (and, without `/.default`, managed identity resources) that yield a Microsoft Graph token: the
    /// commercial Graph by default; add `https://graph.microsoft.us/.default` (GCC High) or
    /// `https://dod-graph.microsoft.us/.default` (DoD) for a US Government tenant.
    public var graphScopes: Set<String> = MDESimulator.commercialGraphScopes
    /// The Graph application permissions the app was granted (admin consent): a Graph route whose permission is
    /// missing answers 403 `Authorization_RequestDenied` naming it.
    public var graphPermissions: Set<String> = MDESimulator.allGraphPermissions
    /// Per-app call limits of the Graph routes (Intune's 2,000 requests per 20 s per app by default).
    public var graphRateLimits = SimulatedRateLimits(windows: [.init(limit: 2000, seconds: 20)])
    /// The host's managed identity, served on the identity endpoints; nil: they answer 404.
    public var managedIdentity: SimulatedManagedIdentity?
    /// Serve https with this certificate (`simulate --tls`); nil serves plain http.
    public var tls: SimulatorTLS?
    /// Address to bind; the simulator has no TLS, so keep it on loopback.
    public var host: String
    /// Port to bind; 0 lets the system choose one.
    public var port: Int
    /// Virtual "now" when the simulator starts. The clock moves only when told to.
    public var start: Date
    /// Per-client call limits of the `/api/…` routes; MDE's 100 a minute and 1,500 an hour by default.
    public var rateLimits: SimulatedRateLimits
    /// Random faults of the `/api/…` routes; none by default.
    public var faults: SimulatedFaults
    /// Days after its last report that a device leaves the machine list (MDE's default retention, 180).
    public var retentionDays: Int
    /// Share of devices that keep reporting after a successful offboard, because an Intune profile
    /// re-onboards them (0.1 by default).
    public var reonboardFraction: Double

    /// Creates a configuration; every parameter has a readable, deterministic default.
    public init(
        seed: UInt64 = 1,
        devices: Int = 200,
        tenantId: String = SimulatorConfiguration.defaultTenantId,
        clientId: String = "sim-client",
        clientSecret: String = "sim-secret",
        host: String = "127.0.0.1",
        port: Int = 8080,
        start: Date = SimulatorConfiguration.defaultStart,
        rateLimits: SimulatedRateLimits = .mde,
        faults: SimulatedFaults = .none,
        retentionDays: Int = 180,
        reonboardFraction: Double = 0.1
    ) {
        precondition(devices >= 0, "devices must not be negative")
        self.seed = seed
        self.devices = devices
        self.tenantId = tenantId
        self.clientId = clientId
        self.clientSecret = clientSecret
        self.host = host
        self.port = port
        self.start = start
        self.rateLimits = rateLimits
        self.faults = faults
        precondition(retentionDays >= 1, "retention is at least a day")
        precondition((0...1).contains(reonboardFraction), "reonboardFraction is a share from 0 to 1")
        self.retentionDays = retentionDays
        self.reonboardFraction = reonboardFraction
    }
}
