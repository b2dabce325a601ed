import Foundation
import MDESimulator
import MDETestSupport
import Testing

/// A 200-day story scripted with the in-process helpers, and the same story told in one jump.
@Suite struct StoryTests {
    private static let day: TimeInterval = 86_400

    /// Offboards three devices on day 0 (one of which an Intune profile keeps re-onboarding), retires a fourth
    /// silently, then lives `days` days in steps of `step` days; returns the tenant as JSON plus the ids.
    private func story(days: Int, step: Int) async throws -> (tenant: String, ids: [String]) {
        let config = SimulatorConfiguration(seed: 5, devices: 300, rateLimits: .unlimited, reonboardFraction: 0)
        return try await withSimulator(config) { sim in
            try await SimHTTP.with(sim) { http in
                let token = try await http.token()
                var ids: [String] = []
                for skip in 0..<4 {
                    let device = try #require(try await http.reportingWindowsDevice(token: token, skipping: skip))
                    ids.append(try #require(device["id"] as? String))
                }
                sim.simulator.setKeepsReporting(ids[1])
                for id in ids.prefix(3) {
                    let r = try await http.postJSON(
                        "/api/machines/\(id)/offboard", #"{"Comment":"retired"}"#, token: token)
                    #expect(r.status == 201)
                }
                sim.simulator.retireDeviceSilently(ids[3])
                for _ in 0..<(days / step) { sim.simulator.advanceClock(by: Double(step) * Self.day) }
                let machines = try await http.get("/api/machines", token: token).values
                let actions = try await http.get("/api/machineactions", token: token).values
                let data = try JSONSerialization.data(withJSONObject: [machines, actions], options: [.sortedKeys])
                return (String(decoding: data, as: UTF8.self), ids)
            }
        }
    }

    @Test func twoHundredDays() async throws {
        let (tenant, ids) = try await story(days: 200, step: 10)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(tenant.utf8)) as? [[[String: Any]]])
        let machines = Dictionary(uniqueKeysWithValues: json[0].map { ($0["id"] as! String, $0) })
        // Silent since about day 1 (offboarded, or retired without offboarding): retention counts from the
        // last report, so by day 200 they have left the list.
        #expect(machines[ids[0]] == nil)
        #expect(machines[ids[2]] == nil)
        #expect(machines[ids[3]] == nil)
        // The re-onboarded device still reports: the audit finding.
        let still = try #require(machines[ids[1]])
        #expect(still["healthStatus"] as? String == "Active")
        let offboards = json[1].filter {
            $0["type"] as? String == "Offboard" && ids.prefix(3).contains($0["machineId"] as! String)
        }
        #expect(offboards.count == 3)
        #expect(offboards.allSatisfy { $0["status"] as? String == "Succeeded" })
        #expect(!json[1].contains { $0["status"] as? String == "Pending" || $0["status"] as? String == "InProgress" })
    }

    @Test func smallStepsAndOneJumpEndTheSame() async throws {
        let stepped = try await story(days: 60, step: 1)
        let jumped = try await story(days: 60, step: 60)
        #expect(stepped.ids == jumped.ids)
        #expect(stepped.tenant == jumped.tenant)
    }
}
