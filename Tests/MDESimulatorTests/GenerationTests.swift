import Foundation
import MDESimulator
import MDETestSupport
import Testing

@Suite struct GenerationTests {
    /// The machine list as re-serialised JSON (the `@odata.context` contains the port, so it is left out).
    private func machinesJSON(_ configuration: SimulatorConfiguration) async throws -> String {
        try await withSimulator(configuration) { sim in
            try await SimHTTP.with(sim) { http in
                let page = try await http.authorizedGet("/api/machines?$top=10000")
                let actions = try await http.authorizedGet("/api/machineactions?$top=10000")
                let data = try JSONSerialization.data(
                    withJSONObject: [try page.values, try actions.values], options: [.sortedKeys])
                return String(decoding: data, as: UTF8.self)
            }
        }
    }

    @Test func sameSeedGivesSameTenant() async throws {
        let a = try await machinesJSON(.init(seed: 42, devices: 300, port: 0))
        let b = try await machinesJSON(.init(seed: 42, devices: 300, port: 0))
        #expect(a == b)
        #expect(a.count > 100_000)
    }

    @Test func differentSeedGivesDifferentTenant() async throws {
        let a = try await machinesJSON(.init(seed: 1, devices: 50, port: 0))
        let b = try await machinesJSON(.init(seed: 2, devices: 50, port: 0))
        #expect(a != b)
    }

    @Test func generatesTheRequestedNumberOfDevices() {
        let simulator = MDESimulator(configuration: .init(devices: 25_001))
        #expect(simulator.machineCount == 25_001)
        #expect(simulator.actionCount > 5_000)
        #expect(MDESimulator(configuration: .init(devices: 0)).machineCount == 0)
    }

    @Test func tenantLooksLikeMDE() async throws {
        try await withSimulator(.init(devices: 2_000)) { sim in
            try await SimHTTP.with(sim) { http in
                let page = try await http.authorizedGet("/api/machines?$top=10000")
                #expect(page.text.contains(#""rbacGroupId":140"#), "rbacGroupId is a JSON number")
                #expect(page.text.contains(#""rbacGroupId":0,"rbacGroupName":null"#))
                let machines = try page.values
                #expect(machines.count == 2_000)
                func count(_ key: String, _ value: String) -> Int {
                    machines.filter { $0[key] as? String == value }.count
                }
                let windowsClients = count("osPlatform", "Windows10") + count("osPlatform", "Windows11")
                #expect(windowsClients > 1_000)
                for platform in ["WindowsServer2019", "WindowsServer2022", "macOS", "Linux", "iOS", "Android"] {
                    #expect(count("osPlatform", platform) > 0, "no \(platform) devices")
                }
                #expect(count("onboardingStatus", "Onboarded") > 1_700)
                for status in ["CanBeOnboarded", "Unsupported", "InsufficientInfo"] {
                    #expect(count("onboardingStatus", status) > 0, "no \(status) devices")
                }
                #expect(count("healthStatus", "Active") > 1_400)
                for status in ["Inactive", "ImpairedCommunication", "NoSensorData"] {
                    #expect(count("healthStatus", status) > 0, "no \(status) devices")
                }
                let names = Dictionary(grouping: machines) { $0["computerDnsName"] as? String ?? "" }
                let shared = names.values.filter { $0.count == 2 }
                #expect(shared.count > 20, "re-imaged devices share a name under two ids")
                #expect(shared.contains { pair in pair.contains { $0["mergedIntoMachineId"] is String } })
                let lastSeen = try #require(machines.first?["lastSeen"] as? String)
                #expect(lastSeen.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z/) != nil)
                for key in [
                    "agentVersion", "isPotentialDuplication", "mergedIntoMachineId", "managedBy",
                    "aadDeviceId", "machineTags", "ipAddresses", "vmMetadata",
                ] {
                    #expect(machines[0].keys.contains(key), "missing \(key)")
                }
                #expect(machines.allSatisfy { ($0["id"] as? String)?.count == 40 })

                let actions = try await http.authorizedGet("/api/machineactions?$top=10000").values
                let types = Set(actions.compactMap { $0["type"] as? String })
                let statuses = Set(actions.compactMap { $0["status"] as? String })
                #expect(types.count == 9, "types: \(types)")
                #expect(statuses == ["Pending", "InProgress", "Succeeded", "Failed", "TimeOut", "Cancelled"])
                #expect(actions.allSatisfy { $0["lastUpdateDateTimeUtc"] is String })
                #expect(actions.contains { ($0["requestor"] as? String)?.contains("@") == true })
                #expect(actions.contains { ($0["requestor"] as? String)?.contains("@") == false })
            }
        }
    }
}
