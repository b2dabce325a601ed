import Foundation
import MDESimulator
import MDETestSupport
import Testing

/// `$select`, `$orderby` and `$count` on machines and machine actions, as real MDE clients send them.
@Suite struct QueryShapeTests {
    @Test func selectReturnsOnlyThoseProperties() async throws {
        try await withSimulator(.init(devices: 300)) { sim in
            try await SimHTTP.with(sim) { http in
                let token = try await http.token()
                let all = try await http.get("/api/machines?$top=50", token: token).values
                let response = try await http.get(
                    "/api/machines?$top=50&$select=\(q("id,computerDnsName,LASTSEEN,machineTags,vmMetadata"))",
                    token: token)
                #expect(response.status == 200, "\(response.text.prefix(300))")
                let context = try response.json["@odata.context"] as? String
                #expect(context?.hasSuffix("#Machines(id,computerDnsName,lastSeen,machineTags,vmMetadata)") == true)
                let values = try response.values
                #expect(values.count == 50)
                for (selected, whole) in zip(values, all) {
                    #expect(Set(selected.keys) == ["id", "computerDnsName", "lastSeen", "machineTags", "vmMetadata"])
                    #expect(selected["id"] as? String == whole["id"] as? String)
                    #expect(selected["lastSeen"] as? String == whole["lastSeen"] as? String)
                    #expect(selected["machineTags"] as? [String] == whole["machineTags"] as? [String])
                    #expect((selected["vmMetadata"] is NSNull) == (whole["vmMetadata"] is NSNull))
                }
                // Properties keep the service's key order, whatever order $select names them in.
                let text = response.text
                let id = try #require(text.range(of: "\"id\""))
                let name = try #require(text.range(of: "\"computerDnsName\""))
                #expect(id.lowerBound < name.lowerBound)
            }
        }
    }

    @Test func selectWorksOnActionsAndSingleEntities() async throws {
        try await withSimulator(.init(devices: 300)) { sim in
            try await SimHTTP.with(sim) { http in
                let token = try await http.token()
                let actions = try await http.get("/api/machineactions?$top=5&$select=id,status", token: token)
                #expect(actions.status == 200, "\(actions.text.prefix(300))")
                let values = try actions.values
                #expect(!values.isEmpty)
                #expect(values.allSatisfy { Set($0.keys) == ["id", "status"] })
                let id = try #require(values.first?["id"] as? String)
                let one = try await http.get("/api/machineactions/\(id)?$select=type", token: token)
                #expect(try Set(one.json.keys) == ["@odata.context", "type"], "\(one.text)")
                let first = try await http.get("/api/machines?$top=1", token: token).values.first
                let machineId = try #require(first?["id"] as? String)
                let machine = try await http.get("/api/machines/\(machineId)?$select=healthStatus", token: token)
                #expect(try Set(machine.json.keys) == ["@odata.context", "healthStatus"], "\(machine.text)")
                let context = try machine.json["@odata.context"] as? String
                #expect(context?.hasSuffix("#Machines(healthStatus)/$entity") == true, "\(machine.text)")
            }
        }
    }

    @Test(arguments: [
        "/api/machines?$select=id,nosuchProperty", "/api/machineactions?$select=id,nosuchProperty",
        "/api/machines?$select=id,,lastSeen", "/api/machines?$orderby=nosuchProperty",
        "/api/machines?$orderby=machineTags", "/api/machines?$orderby=lastSeen%20sideways",
        "/api/machineactions?$orderby=title", "/api/machines?$count=maybe",
    ])
    func badShapesAreTheServicesODataError(uri: String) async throws {
        try await withSimulator(.init(devices: 20)) { sim in
            try await SimHTTP.with(sim) { http in
                let response = try await http.authorizedGet(uri)
                #expect(response.status == 400)
                #expect(response.errorCode == "ODataError", "\(response.text)")
                let error = try response.json["error"] as? [String: Any]
                #expect(error?["message"] as? String != nil && error?["target"] as? String != nil)
                if uri.contains("nosuchProperty") {
                    #expect((error?["message"] as? String)?.contains("'nosuchProperty'") == true)
                }
            }
        }
    }

    @Test func orderByAscendingAndDescending() async throws {
        try await withSimulator(.init(devices: 400)) { sim in
            try await SimHTTP.with(sim) { http in
                let token = try await http.token()
                let all = try await http.get("/api/machines?$top=10000", token: token).values
                let up = try await http.get("/api/machines?$top=10000&$orderby=lastSeen", token: token).values
                let down = try await http.get(
                    "/api/machines?$top=10000&$orderby=\(q("lastSeen desc,computerDnsName"))", token: token
                ).values
                func seen(_ list: [[String: Any]]) -> [String] { list.map { $0["lastSeen"] as? String ?? "" } }
                #expect(up.count == all.count && down.count == all.count)
                #expect(seen(up) == seen(all).sorted())
                #expect(seen(down) == seen(all).sorted(by: >))
                #expect(seen(up) != seen(all), "the tenant's own order is not already sorted")
                // Paging with $skip walks the same order.
                let page = try await http.get("/api/machines?$top=10&$skip=20&$orderby=lastSeen", token: token).values
                #expect(page.map { $0["id"] as? String } == up[20..<30].map { $0["id"] as? String })
                let groups = try await http.get(
                    "/api/machines?$top=10000&$orderby=\(q("rbacGroupId desc"))&$filter=\(q("healthStatus eq 'Active'"))",
                    token: token
                ).values
                let ids = groups.map { $0["rbacGroupId"] as? Int ?? -1 }
                #expect(ids == ids.sorted(by: >))
                #expect(groups.allSatisfy { $0["healthStatus"] as? String == "Active" })
            }
        }
    }

    @Test func countGivesTheNumberOfMatchingItems() async throws {
        try await withSimulator(.init(devices: 250)) { sim in
            try await SimHTTP.with(sim) { http in
                let token = try await http.token()
                let all = try await http.get("/api/machines?$top=10&$count=true", token: token)
                #expect(try all.json["@odata.count"] as? Int == sim.simulator.machineCount)
                #expect(try all.values.count == 10)
                let filter = q("healthStatus eq 'Active'")
                let active = try await http.get("/api/machines?$filter=\(filter)&$count=true", token: token)
                #expect(try active.json["@odata.count"] as? Int == active.values.count)
                let plain = try await http.get("/api/machines?$top=10", token: token)
                #expect(try plain.json["@odata.count"] == nil)
            }
        }
    }
}
