import Foundation
import MDESimulator
import MDETestSupport
import Testing

@Suite struct TagTests {
    @Test func addsAndRemovesATag() async throws {
        try await withSimulator(.init(devices: 20, rateLimits: .unlimited)) { sim in
            try await SimHTTP.with(sim) { http in
                let token = try await http.token()
                let id = try #require(sim.simulator.machineIds().first)
                let uri = "/api/machines/\(id)/tags"
                for _ in 0..<2 {
                    let added = try await http.postJSON(uri, #"{"Value": "Retired", "Action": "Add"}"#, token: token)
                    #expect(added.status == 200)
                    #expect(try added.json["id"] as? String == id)
                    #expect((try added.json["machineTags"] as? [String])?.filter { $0 == "Retired" }.count == 1)
                }
                let filter = q("machineTags/any(tag: tag eq 'Retired')")
                #expect(try await http.get("/api/machines?$filter=\(filter)", token: token).values.count == 1)
                let removed = try await http.postJSON(uri, #"{"Value": "Retired", "Action": "Remove"}"#, token: token)
                #expect((try removed.json["machineTags"] as? [String])?.contains("Retired") == false)
                let bad = try await http.postJSON(uri, #"{"Value": "Retired", "Action": "Delete"}"#, token: token)
                #expect(bad.status == 400)
                let wrongCase = try await http.postJSON(uri, #"{"value": "Retired", "action": "Add"}"#, token: token)
                #expect(wrongCase.errorCode == "MissingRequiredParameter")
            }
        }
    }

    @Test func tagsManyMachinesAtOnce() async throws {
        try await withSimulator(.init(devices: 600, rateLimits: .unlimited)) { sim in
            try await SimHTTP.with(sim) { http in
                let token = try await http.token()
                let ids = sim.simulator.machineIds()
                let uri = "/api/machines/AddOrRemoveTagForMultipleMachines"
                func body(_ ids: ArraySlice<String>) -> String {
                    #"{"Value":"Wave 1","Action":"Add","MachineIds":["# + ids.map { "\"\($0)\"" }.joined(separator: ",")
                        + "]}"
                }
                let tagged = try await http.postJSON(uri, body(ids.prefix(500)), token: token)
                #expect(tagged.status == 200)
                #expect(try tagged.values.count == 500)
                let filter = q("machineTags/any(tag: tag eq 'Wave 1')")
                #expect(try await http.get("/api/machines?$filter=\(filter)", token: token).values.count == 500)
                let tooMany = try await http.postJSON(uri, body(ids.prefix(501)), token: token)
                #expect(tooMany.status == 400)
                #expect(tooMany.errorCode == "MaximumBatchSizeExceeded")
                #expect(sim.simulator.requestCount("POST /api/machines/AddOrRemoveTagForMultipleMachines") == 2)
            }
        }
    }
}
