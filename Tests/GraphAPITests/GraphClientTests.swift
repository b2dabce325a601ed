import Foundation
import GraphAPI
import MDESimulator
import MDETestSupport
import Testing

extension RunningSimulator {
    /// A Graph client for this simulator on the immediate clock: its waits take no time and are still counted.
    func graphClient(scope: String = GraphEndpoints.scope(.public), retryPolicy: RetryPolicy = .default) throws
        -> GraphClient
    {
        let configuration = simulator.configuration
        return GraphClient(
            endpoints: try GraphEndpoints(baseURL: baseURL, tokenURL: tokenURL, scope: scope),
            credentials: ClientCredentials(
                tenantId: configuration.tenantId, clientId: configuration.clientId,
                clientSecret: configuration.clientSecret),
            retryPolicy: retryPolicy, clock: .immediate())
    }
}

@Suite struct GraphClientTests {
    @Test func listsEveryManagedDeviceAcrossPagesWithTheCount() async throws {
        try await withSimulator(.init(seed: 4, devices: 300)) { sim in
            let graph = try sim.graphClient()
            let listing = try await graph.managedDevices(version: .beta, pageSize: 25)
            #expect(listing.count == sim.simulator.intuneDeviceCount)
            #expect(listing.items.count == listing.count)
            #expect(listing.pages == (listing.items.count + 24) / 25)
            #expect(Set(listing.items.map(\.id)).count == listing.items.count)
            #expect(listing.items.allSatisfy { $0.managementState != nil })
            #expect(listing.items.contains { $0.azureADDeviceId != nil && $0.userPrincipalName != nil })
            #expect(listing.serverDate == sim.simulator.now())
            #expect(graph.statistics().calls == listing.pages)
            #expect(graph.statistics().tokenRequests == 1)
            // v1.0 has no managementState at all; the devices are the same.
            let v1 = try await graph.managedDevices(version: .v1)
            #expect(v1.items.allSatisfy { $0.managementState == nil })
            #expect(Set(v1.items.map(\.id)) == Set(listing.items.map(\.id)))
            #expect(v1.pages == 1)
        }
    }

    @Test func aTruncatedListingIsAnErrorNotRemovedDevices() async throws {
        try await withSimulator(.init(seed: 4, devices: 300)) { sim in
            let graph = try sim.graphClient()
            let total = sim.simulator.intuneDeviceCount
            sim.simulator.truncateNextGraphListing(path: "/deviceManagement/managedDevices", after: 30)
            let error = await #expect(throws: GraphListingError.self) {
                try await graph.managedDevices(version: .beta, pageSize: 20)
            }
            #expect(error?.expected == total)
            #expect(error?.received == 30)
            #expect(error?.description.contains("@odata.count said \(total)") == true)
            // The directory collections ask $count=true, so they are checked too.
            sim.simulator.truncateNextGraphListing(path: "/devices", after: 10)
            await #expect(throws: GraphListingError.self) { try await graph.entraDevices() }
            #expect(try await graph.entraDevices().items.count > 10)
        }
    }

    @Test func waitsForRetryAfterOn429() async throws {
        try await withSimulator(.init(devices: 30)) { sim in
            let graph = try sim.graphClient()
            sim.simulator.failRequest("GET /v1.0/devices", with: .status(429))
            let devices = try await graph.entraDevices()
            #expect(!devices.items.isEmpty)
            let stats = graph.statistics()
            #expect(stats.throttled == 1)
            #expect(stats.waitedSeconds == 1)  // the simulator's Retry-After: 1, on the immediate clock
            #expect(sim.simulator.requestCount("GET /v1.0/devices", status: 429) == 1)
        }
    }

    @Test func backsOffExponentiallyWithoutRetryAfter() async throws {
        try await withSimulator(.init(devices: 30)) { sim in
            let graph = try sim.graphClient(retryPolicy: RetryPolicy(baseDelay: 1, maxThrottledRetries: 2))
            #expect(try await graph.entraDevices().items.count > 0)
            sim.simulator.setGraphRateLimits(.init(windows: [.init(limit: 1, seconds: 3600)]), retryAfter: false)
            _ = try? await graph.entraDevices()  // takes the one call the window allows
            let before = graph.statistics().waitedSeconds
            let error = await #expect(throws: GraphAPIError.self) { try await graph.entraDevices() }
            #expect(error?.status == 429)
            #expect(error?.code == "TooManyRequests")
            // Two waits of backoff (0.5…1 s, then 1…2 s), not the 60 s default of a missing Retry-After.
            let waited = graph.statistics().waitedSeconds - before
            #expect(waited >= 1.5 && waited <= 3)
        }
    }

    @Test func retries5xxAndRefreshesTheTokenOnce() async throws {
        try await withSimulator(.init(devices: 30)) { sim in
            let graph = try sim.graphClient(retryPolicy: RetryPolicy(baseDelay: 0.01))
            sim.simulator.failRequest("GET /v1.0/users", with: .status(503))
            #expect(try await graph.users().items.count > 0)
            #expect(graph.statistics().retries == 1)
            sim.simulator.failRequest("GET /v1.0/users", with: .expireToken)
            #expect(try await graph.users().items.count > 0)
            #expect(graph.statistics().tokenRequests == 2)
            sim.simulator.failRequest("GET /v1.0/users", with: .status(400))
            let error = await #expect(throws: GraphAPIError.self) { try await graph.users() }
            #expect(error?.status == 400)
            #expect(error?.requestId != nil)
        }
    }

    @Test func aMissingPermissionIsTyped() async throws {
        var configuration = SimulatorConfiguration(devices: 60)
        configuration.graphPermissions.remove("DeviceManagementApps.Read.All")
        try await withSimulator(configuration) { sim in
            let graph = try sim.graphClient()
            let error = await #expect(throws: GraphPermissionError.self) { try await graph.auditEvents() }
            #expect(error?.permission == "DeviceManagementApps.Read.All")
            #expect(error?.description.contains("DeviceManagementApps.Read.All") == true)
            // The other features go on.
            #expect(try await graph.managedDevices().items.count > 0)
        }
    }

    @Test func anMDETokenScopeIsNotGraphs() async throws {
        try await withSimulator(.init(devices: 10)) { sim in
            let wrong = try sim.graphClient(scope: "https://api.securitycenter.microsoft.com/.default")
            let error = await #expect(throws: GraphAPIError.self) { try await wrong.entraDevices() }
            #expect(error?.status == 401)
            #expect(error?.code == "InvalidAuthenticationToken")
            #expect(error?.description.contains("Invalid audience") == true)
            #expect(wrong.statistics().tokenRequests == 2)
            #expect(try await sim.graphClient().entraDevices().items.count > 0)
        }
        #expect(GraphEndpoints.scope(.public) == "https://graph.microsoft.com/.default")
        #expect(GraphEndpoints.scope(.gcc) == "https://graph.microsoft.com/.default")
        #expect(GraphEndpoints.scope(.gccHigh) == "https://graph.microsoft.us/.default")
        #expect(GraphEndpoints.scope(.dod) == "https://dod-graph.microsoft.us/.default")
        let dod = try GraphEndpoints(cloud: .dod, tenantId: "t")
        #expect(dod.baseURL.absoluteString == "https://dod-graph.microsoft.us")
        #expect(dod.tokenURL.absoluteString == "https://login.microsoftonline.us/t/oauth2/v2.0/token")
        #expect(throws: MDEConfigurationError.self) {
            try GraphEndpoints(baseURL: "http://graph.example.com", tokenURL: "https://login.example.com/t")
        }
    }

    @Test func auditEventsLicencesAndUsersDecode() async throws {
        try await withSimulator(.init(seed: 5, devices: 600)) { sim in
            let graph = try sim.graphClient()
            sim.simulator.advanceClock(by: 30 * 86_400)
            let events = try await graph.auditEvents().items
            let retires = events.filter { $0.activityType == "Retire ManagedDevice" }
            #expect(!retires.isEmpty)
            #expect(retires.allSatisfy { $0.resourceIds.count == 1 && $0.actorUserPrincipalName != nil })
            let lastTime = try #require(events.last?.activityDateTime)
            let since = try #require(UTCTime.parse(lastTime))
            #expect(try await graph.auditEvents(since: since).items.isEmpty)
            let skus = try await graph.subscribedSkus().items
            let defender = skus.filter(\.includesDefenderForEndpoint)
            #expect(Set(defender.compactMap(\.skuPartNumber)).isSuperset(of: ["SPE_E5", "SPE_E3", "SPB"]))
            #expect(!skus.filter { !$0.includesDefenderForEndpoint }.isEmpty)
            let users = try await graph.users(pageSize: 50)
            #expect(users.items.count == users.count)
            let e5 = try #require(skus.first { $0.skuPartNumber == "SPE_E5" })
            #expect(users.items.filter { $0.assignedSkuIds.contains(e5.skuId) }.count == e5.consumedUnits)
            #expect(users.items.allSatisfy { $0.accountEnabled != nil })
        }
    }
}
