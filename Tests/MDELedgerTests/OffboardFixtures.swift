import Foundation
import GRDB
import MDEAPI
import MDESimulator
import MDETestSupport

@testable import MDELedger

/// A synced ledger over a simulator, with helpers to retire devices and build outbox requests.
struct OffboardFixture {
    let sim: RunningSimulator
    let ledger: Ledger
    let client: MDEClient

    /// A simulator tenant that does not re-onboard and does not limit calls, synced into a fresh ledger.
    static func configuration(devices: Int) -> SimulatorConfiguration {
        SimulatorConfiguration(devices: devices, rateLimits: .unlimited, reonboardFraction: 0)
    }

    static func make(_ sim: RunningSimulator, _ folder: TemporaryFolder, rateLimit: String = "100000/1s")
        async throws -> OffboardFixture
    {
        let config = sim.simulator.configuration
        let client = MDEClient(
            endpoints: try MDEEndpoints(baseURL: sim.baseURL, tokenURL: sim.tokenURL),
            credentials: ClientCredentials(
                tenantId: config.tenantId, clientId: config.clientId, clientSecret: config.clientSecret),
            rateLimit: try RateLimitPolicy(parsing: rateLimit),
            retryPolicy: RetryPolicy(baseDelay: 0.001, maxDelay: 0.01, defaultRetryAfter: 0.01, maxRetryAfter: 0.01))
        let ledger = try Ledger.open(path: folder.path("l.sqlite"), create: true)
        _ = try await SyncEngine(ledger: ledger, client: client, tenant: TenantSelection(), source: sim.baseURL).run()
        return OffboardFixture(sim: sim, ledger: ledger, client: client)
    }

    /// Devices the API can offboard: Windows, onboarded, no Offboard action, still listed, and each its physical
    /// device's only id (a re-imaged device's retirement covers its successor too, which these tests do not count).
    func offboardable(_ count: Int) throws -> [String] {
        let states = try ledger.deviceStates(tenant: nil, asOf: nil)
        let mergedInto = Set(states.compactMap { $0.mergedIntoMachineId?.lowercased() })
        let ids = states.filter {
            ($0.osPlatform ?? "").hasPrefix("Windows") && $0.onboardingStatus == "Onboarded"
                && $0.offboardActionId == nil && [.active, .stale, .inactive].contains($0.state)
                && $0.mergedIntoMachineId == nil && !mergedInto.contains($0.id.lowercased())
        }.map(\.id).sorted()
        precondition(ids.count >= count, "the tenant has only \(ids.count) offboardable devices")
        return Array(ids.prefix(count))
    }

    func devices(_ platform: String) throws -> [DeviceStateRow] {
        try ledger.deviceStates(tenant: nil, asOf: nil).filter { $0.osPlatform == platform }
    }

    /// Retires the devices on 2026-10-01 through the retirement import.
    func retire(_ ids: [String], folder: TemporaryFolder) throws {
        let path = folder.path("retired-\(ids.count).csv")
        try ("device,retired_on\n" + ids.map { "\($0),2026-10-01\n" }.joined()).write(
            toFile: path, atomically: true, encoding: .utf8)
        _ = try ledger.importRetirements(path: path, tenant: TenantSelection())
    }

    func request(_ selection: DeviceSelection, kind: OutboxKind = .offboard, tag: String? = nil) -> OutboxRequest {
        OutboxRequest(
            kind: kind, selection: selection, comment: kind == .offboard ? "Retired per CHG-1234" : nil, tag: tag,
            requestedBy: "alice", clientId: sim.simulator.configuration.clientId, apiBaseURL: sim.baseURL)
    }

    /// Previews and runs a request the way the CLI does.
    func run(_ request: OutboxRequest) async throws -> OutboxRunSummary? {
        try await OutboxEngine(ledger: ledger, client: client).run(request, preview: try ledger.previewOutbox(request))
    }

    func count(_ sql: String) throws -> Int {
        try ledger.dbQueue.read { db in try Int.fetchOne(db, sql: sql) ?? 0 }
    }
}
