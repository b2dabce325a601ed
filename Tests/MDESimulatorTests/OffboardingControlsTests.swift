import Foundation
import MDESimulator
import MDETestSupport
import Testing

/// The simulator's additions for offboarding tests: per-device offboard counts, dropped answers, findbytag.
@Suite struct OffboardingControlsTests {
    @Test func aDroppedAnswerStillCreatesTheActionAndCountsTheRequest() async throws {
        try await withSimulator(.init(devices: 50, rateLimits: .unlimited, reonboardFraction: 0)) { sim in
            let (token, id) = try await SimHTTP.with(sim) { http in
                let token = try await http.token()
                let device = try #require(try await http.reportingWindowsDevice(token: token))
                let armed = try await http.request(
                    .post, "/_sim/fail?route=POST%20/api/machines/%7Bid%7D/offboard&fault=drop")
                #expect(armed.status == 200)
                return (token, try #require(device["id"] as? String))
            }
            await #expect(throws: (any Error).self) {
                try await SimHTTP.with(sim) { http in
                    _ = try await http.postJSON("/api/machines/\(id)/offboard", #"{"Comment":"lost"}"#, token: token)
                }
            }
            try await SimHTTP.with(sim) { http in
                let filter = q("machineId eq '\(id)' and type eq 'Offboard'")
                let listed = try await http.get("/api/machineactions?$filter=\(filter)", token: token).values
                #expect(listed.map { $0["requestorComment"] as? String } == ["lost"])
                let again = try await http.postJSON("/api/machines/\(id)/offboard", #"{"Comment":"x"}"#, token: token)
                #expect(again.status == 400)
                let stats = try await http.get("/_sim/stats", token: nil).json
                #expect((stats["offboards"] as? [String: Int]) == [id: 2])
            }
            #expect(sim.simulator.offboardRequestCounts() == [id: 2])
        }
    }

    @Test func findByTagListsTheTaggedMachines() async throws {
        try await withSimulator(.init(devices: 40, rateLimits: .unlimited)) { sim in
            try await SimHTTP.with(sim) { http in
                let token = try await http.token()
                let ids = Array(sim.simulator.machineIds().prefix(3))
                let body =
                    #"{"Value":"Retired-2026","Action":"Add","MachineIds":["#
                    + ids.map { "\"\($0)\"" }.joined(separator: ",")
                    + "]}"
                #expect(
                    try await http.postJSON("/api/machines/AddOrRemoveTagForMultipleMachines", body, token: token)
                        .status
                        == 200)
                let exact = try await http.get("/api/machines/findbytag?tag=retired-2026", token: token)
                #expect(exact.status == 200)
                #expect(Set(try exact.values.compactMap { $0["id"] as? String }) == Set(ids))
                let prefix = "/api/machines/findbytag?tag=Retired&useStartsWithFilter="
                #expect(try await http.get(prefix + "true", token: token).values.count == 3)
                #expect(try await http.get(prefix + "false", token: token).values.isEmpty)
                #expect(try await http.get("/api/machines/findbytag", token: token).status == 400)
                #expect(try await http.get("/api/machines/findbytag?tag=x", token: nil).status == 401)
            }
        }
    }

    @Test func macAndLinuxOffboardingIsRefusedByTheAPI() async throws {
        try await withSimulator(.init(devices: 50, rateLimits: .unlimited, reonboardFraction: 0)) { sim in
            try await SimHTTP.with(sim) { http in
                let token = try await http.token()
                let device = try #require(try await http.reportingWindowsDevice(token: token))
                let id = try #require(device["id"] as? String)
                #expect(sim.simulator.setOSPlatform(id, "Linux"))
                let refused = try await http.postJSON("/api/machines/\(id)/offboard", #"{"Comment":"x"}"#, token: token)
                #expect(refused.status == 400)
                #expect(refused.errorCode == "OsPlatformNotSupported")
                #expect(sim.simulator.offboardRequestCounts() == [id: 1])
            }
        }
    }
}
