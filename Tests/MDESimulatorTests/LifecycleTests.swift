import Foundation
import MDESimulator
import MDETestSupport
import Testing

@Suite struct LifecycleTests {
    private static let day: TimeInterval = 86_400

    @Test func devicesReportDailyAtTheirOwnTime() async throws {
        try await withSimulator(.init(devices: 200, rateLimits: .unlimited)) { sim in
            try await SimHTTP.with(sim) { http in
                let token = try await http.token()
                let device = try #require(try await http.reportingWindowsDevice(token: token))
                let id = try #require(device["id"] as? String)
                sim.simulator.setKeepsReporting(id)
                let seen = try #require(mdeDate(device["lastSeen"]))
                sim.simulator.advanceClock(by: Self.day)
                let after1 = try #require(mdeDate(try await http.machine(id, token: token)?["lastSeen"]))
                #expect(after1 == seen.addingTimeInterval(Self.day))
                sim.simulator.advanceClock(by: 2.5 * Self.day)
                let after3 = try #require(try await http.machine(id, token: token))
                #expect(mdeDate(after3["lastSeen"]) == seen.addingTimeInterval(3 * Self.day))
                #expect(after3["healthStatus"] as? String == "Active")
                // Different devices report at different times of day.
                let times = Set(
                    try await http.get("/api/machines", token: token).values.compactMap {
                        ($0["lastSeen"] as? String)?.dropFirst(11).prefix(5)
                    })
                #expect(times.count > 100)
            }
        }
    }

    @Test func silentDevicesTurnInactiveThenLeaveTheList() async throws {
        try await withSimulator(.init(devices: 200, rateLimits: .unlimited)) { sim in
            try await SimHTTP.with(sim) { http in
                let token = try await http.token()
                let device = try #require(try await http.reportingWindowsDevice(token: token))
                let id = try #require(device["id"] as? String)
                #expect(sim.simulator.retireDeviceSilently(id))
                sim.simulator.advanceClock(by: 6 * Self.day)
                let quiet = try #require(try await http.machine(id, token: token))
                #expect(quiet["lastSeen"] as? String == device["lastSeen"] as? String)
                #expect(quiet["healthStatus"] as? String == "Active")
                sim.simulator.advanceClock(by: 2 * Self.day)
                #expect(try await http.machine(id, token: token)?["healthStatus"] as? String == "Inactive")

                let before = sim.simulator.machineCount
                _ = try await http.request(.post, "/_sim/clock?to=2027-05-03T00:00:00Z")
                #expect(try await http.machine(id, token: token) == nil, "past 180 days of retention")
                #expect(sim.simulator.machineCount < before)
                let listed = try await http.get("/api/machines", token: token).values
                #expect(!listed.contains { $0["id"] as? String == id })
                let oldest = listed.compactMap { mdeDate($0["lastSeen"]) }.min() ?? .distantPast
                #expect(sim.simulator.now().timeIntervalSince(oldest) <= 180 * Self.day)
                #expect(listed.contains { $0["healthStatus"] as? String == "Active" }, "most devices still report")
            }
        }
    }

    @Test func retentionIsConfigurable() async throws {
        try await withSimulator(.init(devices: 300, rateLimits: .unlimited, retentionDays: 30)) { sim in
            try await SimHTTP.with(sim) { http in
                let token = try await http.token()
                let start = sim.simulator.machineCount
                sim.simulator.advanceClock(by: 1)
                #expect(sim.simulator.machineCount < start)
                let listed = try await http.get("/api/machines", token: token).values
                let oldest = listed.compactMap { mdeDate($0["lastSeen"]) }.min() ?? .distantPast
                #expect(sim.simulator.now().timeIntervalSince(oldest) <= 30 * Self.day)
            }
        }
    }

    @Test func clockControlValidatesItsInput() async throws {
        try await withSimulator(.init(devices: 5)) { sim in
            try await SimHTTP.with(sim) { http in
                #expect(try await http.request(.post, "/_sim/clock?to=2026-01-01T00:00:00Z").status == 400)
                #expect(try await http.request(.post, "/_sim/clock?advance=-5").status == 400)
                #expect(try await http.request(.post, "/_sim/clock").status == 400)
                let moved = try await http.request(.post, "/_sim/clock?to=2026-12-01T00:00:00Z")
                #expect(try moved.json["now"] as? String == "2026-12-01T00:00:00Z")
            }
        }
    }
}
