import Foundation
import MDESimulator
import MDETestSupport
import Testing

/// The simulator's Microsoft Graph side, over raw HTTP: consistency with the MDE tenant, v1.0 vs beta, paging,
/// the truncated listing, audience and permission checks, audit events, licences and throttling.
@Suite struct GraphSimulatorTests {
    static let graphScope = "https://graph.microsoft.com/.default"
    static let zeroGUID = "00000000-0000-0000-0000-000000000000"

    /// Every item of a Graph listing, following `@odata.nextLink`; also the pages' `@odata.count`s.
    static func listAll(_ http: SimHTTP, _ uri: String, token: String) async throws -> (
        items: [[String: Any]], counts: [Int], pages: Int
    ) {
        var items: [[String: Any]] = []
        var counts: [Int] = []
        var next: String? = uri
        var pages = 0
        while let link = next {
            let path = link.replacingOccurrences(of: http.sim.baseURL, with: "")
            let response = try await http.get(path, token: token)
            #expect(response.status == 200, "\(path): \(response.text)")
            let json = try response.json
            items += try response.values
            if let count = json["@odata.count"] as? Int { counts.append(count) }
            next = json["@odata.nextLink"] as? String
            if let next {
                #expect(next.contains("$skiptoken="))
                #expect(!next.contains("$skip="))
            }
            pages += 1
        }
        return (items, counts, pages)
    }

    @Test func intuneDevicesJoinMDEMachinesByEntraDeviceId() async throws {
        try await withSimulator(.init(seed: 3, devices: 400)) { sim in
            try await SimHTTP.with(sim) { http in
                let mde = try await http.get("/api/machines", token: try await http.token()).values
                let graph = try await http.token(scope: Self.graphScope)
                let intune = try await Self.listAll(http, "/beta/deviceManagement/managedDevices", token: graph).items
                #expect(intune.count > 100)
                let byAAD = Dictionary(
                    mde.compactMap { m in (m["aadDeviceId"] as? String).map { ($0, m) } },
                    uniquingKeysWith: { a, _ in a })
                var joined = 0
                for device in intune {
                    let aad = try #require(device["azureADDeviceId"] as? String)
                    if aad == Self.zeroGUID {
                        #expect(device["deviceRegistrationState"] as? String == "notRegistered")
                        continue
                    }
                    let machine = try #require(byAAD[aad], "Intune device \(device["id"] ?? "") has no MDE machine")
                    joined += 1
                    // The re-imaged old entity never gets an Intune device of its own.
                    #expect(machine["mergedIntoMachineId"] is NSNull)
                    #expect(machine["isPotentialDuplication"] as? Bool == false)
                    let name = (machine["computerDnsName"] as? String ?? "").split(separator: ".").first.map(
                        String.init)
                    #expect((device["deviceName"] as? String)?.lowercased() == name)
                }
                #expect(joined > intune.count / 2)
                #expect(Set(intune.compactMap { $0["id"] as? String }).count == intune.count)
                // Users: a primary user on most devices, several devices for some users, none for some devices.
                let upns = intune.compactMap { $0["userPrincipalName"] as? String }
                #expect(upns.allSatisfy { $0.hasPrefix("user") && $0.hasSuffix("@contoso.example") })
                #expect(upns.count < intune.count)
                #expect(Set(upns).count < upns.count)
                // Entra devices: the same device ids, some deleted while their machine still reports to MDE.
                let entra = try await Self.listAll(http, "/v1.0/devices", token: graph).items
                let entraIds = Set(entra.compactMap { $0["deviceId"] as? String })
                #expect(entraIds.isSubset(of: Set(byAAD.keys)))
                #expect(entraIds.count < byAAD.count)
                #expect(entra.contains { $0["accountEnabled"] as? Bool == false })
                #expect(entra.allSatisfy { ["AzureAd", "ServerAd", "Workplace"].contains($0["trustType"] as? String) })
            }
        }
    }

    @Test func managementStateIsBetaOnly() async throws {
        try await withSimulator(.init(seed: 3, devices: 300)) { sim in
            try await SimHTTP.with(sim) { http in
                let graph = try await http.token(scope: Self.graphScope)
                let v1 = try await http.get("/v1.0/deviceManagement/managedDevices", token: graph)
                let beta = try await http.get("/beta/deviceManagement/managedDevices", token: graph)
                #expect(try v1.values.allSatisfy { $0["managementState"] == nil })
                let states = Set(try beta.values.compactMap { $0["managementState"] as? String })
                #expect(states.contains("managed"))
                #expect(states.count > 1, "some devices are being retired or wiped at the start: \(states)")
                #expect(try v1.values.count == beta.values.count)
                #expect((try v1.json["@odata.context"] as? String)?.contains("/v1.0/$metadata#") == true)
            }
        }
    }

    @Test func retiredInIntuneKeepsReportingToMDEAndLeavesTheList() async throws {
        try await withSimulator(.init(seed: 5, devices: 600)) { sim in
            try await SimHTTP.with(sim) { http in
                let graph = try await http.token(scope: Self.graphScope)
                // A month on, some retirements have gone through and their devices not yet left the list.
                sim.simulator.advanceClock(by: 30 * 86_400)
                let events = try await Self.listAll(http, "/v1.0/deviceManagement/auditEvents", token: graph).items
                let retires = events.filter { $0["activityType"] as? String == "Retire ManagedDevice" }
                #expect(!retires.isEmpty)
                let before = try await Self.listAll(http, "/beta/deviceManagement/managedDevices", token: graph).items
                let beforeById = Dictionary(
                    before.compactMap { d in (d["id"] as? String).map { ($0, d) } }, uniquingKeysWith: { a, _ in a })
                // The ones still listed: retire requested, device not gone yet.
                let pending = before.filter {
                    $0["managementState"] as? String == "retireIssued"
                        && $0["azureADDeviceId"] as? String != Self.zeroGUID
                }
                #expect(!pending.isEmpty)
                sim.simulator.advanceClock(by: 20 * 86_400)
                let now = sim.simulator.now()
                let machines = try await http.get("/api/machines", token: try await http.token()).values
                let after = Set(
                    try await Self.listAll(http, "/beta/deviceManagement/managedDevices", token: graph).items
                        .compactMap { $0["id"] as? String })
                var reporting = 0
                for device in pending {
                    let aad = try #require(device["azureADDeviceId"] as? String)
                    // Retired in Intune weeks ago, gone from Intune: MDE telemetry goes on (unless the device was
                    // offboarded or went quiet for its own reasons meanwhile).
                    #expect(!after.contains(device["id"] as? String ?? ""))
                    let machine = try #require(machines.first { $0["aadDeviceId"] as? String == aad })
                    let lastSeen = try #require((machine["lastSeen"] as? String).flatMap(Self.date))
                    if now.timeIntervalSince(lastSeen) < 2 * 86_400 { reporting += 1 }
                }
                #expect(reporting * 10 >= pending.count * 8, "\(reporting) of \(pending.count) still report")
                // Every retire event names a device Intune had, by its Intune id.
                for event in retires {
                    let resources = try #require(event["resources"] as? [[String: Any]])
                    #expect(resources.first?["type"] as? String == "ManagedDevice")
                    let id = try #require(resources.first?["resourceId"] as? String)
                    let actor = event["actor"] as? [String: Any]
                    #expect((actor?["userPrincipalName"] as? String)?.hasSuffix("@contoso.example") == true)
                    #expect(event["category"] as? String == "Device")
                    if let listed = beforeById[id] {
                        #expect((listed["managementState"] as? String)?.hasPrefix("retire") == true)
                    }
                }
            }
        }
    }

    @Test func auditEventsFilterByTime() async throws {
        try await withSimulator(.init(seed: 5, devices: 600)) { sim in
            try await SimHTTP.with(sim) { http in
                let graph = try await http.token(scope: Self.graphScope)
                let all = try await Self.listAll(http, "/v1.0/deviceManagement/auditEvents", token: graph).items
                #expect(
                    Set(all.compactMap { $0["activity"] as? String }).isSubset(of: [
                        "Retire ManagedDevice", "Wipe ManagedDevice", "Delete ManagedDevice",
                    ]))
                let since = "2026-10-20T00:00:00Z"
                let filter = q("activityDateTime gt \(since) and category eq 'Device'")
                let recent = try await Self.listAll(
                    http, "/v1.0/deviceManagement/auditEvents?$filter=\(filter)", token: graph
                ).items
                let cut = try #require(Self.date(since))
                #expect(
                    recent.count
                        == all.filter { (($0["activityDateTime"] as? String).flatMap(Self.date) ?? cut) > cut }.count)
                #expect(recent.count < all.count)
                // Later events appear as the clock moves.
                sim.simulator.advanceClock(by: 60 * 86_400)
                let later = try await Self.listAll(http, "/v1.0/deviceManagement/auditEvents", token: graph).items
                #expect(later.count > all.count)
                let bad = try await http.get(
                    "/v1.0/deviceManagement/auditEvents?$filter=\(q("foo eq 1"))", token: graph)
                #expect(bad.status == 400)
            }
        }
    }

    @Test func pagesWithSkiptokenAndCount() async throws {
        try await withSimulator(.init(seed: 2, devices: 300)) { sim in
            try await SimHTTP.with(sim) { http in
                let graph = try await http.token(scope: Self.graphScope)
                let whole = try await http.get("/v1.0/deviceManagement/managedDevices", token: graph)
                let total = try #require(try whole.json["@odata.count"] as? Int)
                #expect(try whole.values.count == total)
                #expect(try whole.json["@odata.nextLink"] == nil)
                let paged = try await Self.listAll(http, "/v1.0/deviceManagement/managedDevices?$top=25", token: graph)
                #expect(paged.items.count == total)
                #expect(paged.pages == (total + 24) / 25)
                #expect(paged.counts.allSatisfy { $0 == total })
                #expect(Set(paged.items.compactMap { $0["id"] as? String }).count == total)
                // Directory collections: 100 a page, a count only when asked.
                let devices = try await http.get("/v1.0/devices", token: graph)
                #expect(try devices.values.count == 100)
                #expect(try devices.json["@odata.count"] == nil)
                let counted = try await Self.listAll(http, "/v1.0/devices?$count=true", token: graph)
                #expect(counted.counts.allSatisfy { $0 == counted.items.count })
                // $skip does not page Intune's collection.
                let skipped = try await http.get("/v1.0/deviceManagement/managedDevices?$skip=10", token: graph)
                #expect(try skipped.values.isEmpty)
            }
        }
    }

    @Test func truncatedListingStopsEarlyWithTheFullCount() async throws {
        try await withSimulator(.init(seed: 2, devices: 300)) { sim in
            try await SimHTTP.with(sim) { http in
                let graph = try await http.token(scope: Self.graphScope)
                let control = try await http.request(
                    .post, "/_sim/graph-truncate?after=30&path=/deviceManagement/managedDevices")
                #expect(control.status == 200)
                let short = try await Self.listAll(http, "/v1.0/deviceManagement/managedDevices?$top=20", token: graph)
                #expect(short.items.count == 30)
                #expect(short.pages == 2)
                #expect(short.counts.allSatisfy { $0 > 30 })
                // Only the next listing: the one after is whole again.
                let whole = try await Self.listAll(http, "/v1.0/deviceManagement/managedDevices?$top=20", token: graph)
                #expect(whole.items.count == whole.counts.first)
                sim.simulator.truncateNextGraphListing(after: 5)
                let users = try await Self.listAll(http, "/v1.0/users?$count=true", token: graph)
                #expect(users.items.count == 5)
                #expect(users.counts.first ?? 0 > 5)
            }
        }
    }

    @Test func tokensAreForOneAudience() async throws {
        try await withSimulator(.init(devices: 20)) { sim in
            try await SimHTTP.with(sim) { http in
                let mde = try await http.token()
                let graph = try await http.token(scope: Self.graphScope)
                let wrong = try await http.get("/v1.0/deviceManagement/managedDevices", token: mde)
                #expect(wrong.status == 401)
                #expect(wrong.errorCode == "InvalidAuthenticationToken")
                let error = try wrong.json["error"] as? [String: Any]
                #expect((error?["message"] as? String)?.contains("Invalid audience") == true)
                #expect(error?["innerError"] is [String: Any])
                #expect(try await http.get("/api/machines", token: graph).status == 403)
                #expect(try await http.get("/v1.0/devices", token: graph).status == 200)
                #expect(try await http.get("/v1.0/devices", token: nil).status == 401)
                // A US Government Graph scope is refused unless configured.
                let config = sim.simulator.configuration
                let gov = try await http.request(
                    .post, "/\(config.tenantId)/oauth2/v2.0/token",
                    form: "grant_type=client_credentials&client_id=sim-client&client_secret=sim-secret"
                        + "&scope=\(q("https://graph.microsoft.us/.default"))")
                #expect(gov.status == 400)
            }
        }
        var configuration = SimulatorConfiguration(devices: 5)
        configuration.graphScopes = MDESimulator.governmentGraphScopes
        try await withSimulator(configuration) { sim in
            try await SimHTTP.with(sim) { http in
                let token = try await http.token(scope: "https://dod-graph.microsoft.us/.default")
                #expect(try await http.get("/v1.0/users", token: token).status == 200)
            }
        }
    }

    @Test func missingPermissionIsRefusedPerRoute() async throws {
        var configuration = SimulatorConfiguration(devices: 50)
        configuration.graphPermissions.remove("DeviceManagementApps.Read.All")
        try await withSimulator(configuration) { sim in
            try await SimHTTP.with(sim) { http in
                let graph = try await http.token(scope: Self.graphScope)
                let denied = try await http.get("/v1.0/deviceManagement/auditEvents", token: graph)
                #expect(denied.status == 403)
                #expect(denied.errorCode == "Authorization_RequestDenied")
                #expect(denied.text.contains("DeviceManagementApps.Read.All"))
                #expect(try await http.get("/v1.0/deviceManagement/managedDevices", token: graph).status == 200)
            }
        }
    }

    @Test func licencesAndTheUsersHoldingThem() async throws {
        try await withSimulator(.init(devices: 200)) { sim in
            try await SimHTTP.with(sim) { http in
                let graph = try await http.token(scope: Self.graphScope)
                let skus = try await http.get("/v1.0/subscribedSkus", token: graph).values
                let plans = skus.map { sku in
                    ((sku["servicePlans"] as? [[String: Any]]) ?? []).compactMap { $0["servicePlanName"] as? String }
                }
                #expect(plans.contains { $0.contains("WINDEFATP") })
                #expect(plans.contains { $0.contains("MDE_LITE") })
                #expect(plans.contains { $0.contains("MDE_SMB") })
                let users = try await Self.listAll(
                    http, "/v1.0/users?$select=id,userPrincipalName,assignedLicenses,accountEnabled", token: graph
                ).items
                #expect(
                    users.allSatisfy {
                        Set($0.keys) == ["id", "userPrincipalName", "assignedLicenses", "accountEnabled"]
                    })
                for sku in skus {
                    let id = try #require(sku["skuId"] as? String)
                    let holders = users.filter { user in
                        ((user["assignedLicenses"] as? [[String: Any]]) ?? []).contains { $0["skuId"] as? String == id }
                    }
                    let prepaid = (sku["prepaidUnits"] as? [String: Any])?["enabled"] as? Int ?? 0
                    if sku["appliesTo"] as? String == "User" {
                        #expect(sku["consumedUnits"] as? Int == holders.count)
                    }
                    #expect(prepaid >= sku["consumedUnits"] as? Int ?? 0)
                }
                // Without $select Graph leaves licences out.
                let plain = try await http.get("/v1.0/users", token: graph).values
                #expect(plain.allSatisfy { $0["assignedLicenses"] == nil && $0["id"] != nil })
            }
        }
    }

    @Test func throttlesPerAppWithAndWithoutRetryAfter() async throws {
        try await withSimulator(.init(devices: 10)) { sim in
            try await SimHTTP.with(sim) { http in
                let graph = try await http.token(scope: Self.graphScope)
                sim.simulator.setGraphRateLimits(.init(windows: [.init(limit: 1, seconds: 3600)]))
                #expect(try await http.get("/v1.0/devices", token: graph).status == 200)
                let throttled = try await http.get("/v1.0/devices", token: graph)
                #expect(throttled.status == 429)
                #expect(throttled.headers[.retryAfter] != nil)
                #expect(throttled.errorCode == "TooManyRequests")
                // MDE's own limits are separate.
                #expect(try await http.get("/api/machines", token: try await http.token()).status == 200)
                sim.simulator.setGraphRateLimits(.init(windows: [.init(limit: 1, seconds: 3600)]), retryAfter: false)
                let bare = try await http.get("/v1.0/devices", token: graph)
                #expect(bare.status == 429)
                #expect(bare.headers[.retryAfter] == nil)
                // An injected failure on a Graph route carries Graph's error body.
                sim.simulator.setGraphRateLimits(.unlimited)
                sim.simulator.failRequest("GET /v1.0/devices", with: .status(503))
                let failed = try await http.get("/v1.0/devices", token: graph)
                #expect(failed.status == 503)
                #expect(try (failed.json["error"] as? [String: Any])?["innerError"] != nil)
            }
        }
    }

    static func date(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }
}
