import Foundation
import MDESimulator
import MDETestSupport
import Testing

@Suite struct OffboardTests {
    private static let day: TimeInterval = 86_400

    @Test func offboardIsPendingUntilTheDeviceReportsThenItFallsSilent() async throws {
        try await withSimulator(.init(devices: 200, rateLimits: .unlimited, reonboardFraction: 0)) { sim in
            try await SimHTTP.with(sim) { http in
                let token = try await http.token()
                let device = try #require(try await http.reportingWindowsDevice(token: token))
                let id = try #require(device["id"] as? String)
                let created = try await http.postJSON(
                    "/api/machines/\(id)/offboard", #"{"Comment": "Retired laptop, INC42"}"#, token: token)
                #expect(created.status == 201)
                let action = try created.json
                #expect(action["type"] as? String == "Offboard")
                #expect(action["status"] as? String == "Pending")
                #expect(action["requestor"] as? String == "sim-client")
                #expect(action["requestorComment"] as? String == "Retired laptop, INC42")
                #expect(action["machineId"] as? String == id)
                #expect((action["@odata.context"] as? String)?.hasSuffix("#MachineActions/$entity") == true)
                let actionId = try #require(action["id"] as? String)
                #expect(try await http.get("/api/machineactions/\(actionId)", token: token).status == 200)

                let again = try await http.postJSON(
                    "/api/machines/\(id)/offboard", #"{"Comment": "twice"}"#, token: token)
                #expect(again.status == 400)
                #expect(again.text.contains("Action is already in progress"))

                sim.simulator.advanceClock(by: Self.day)
                let done = try await http.get("/api/machineactions/\(actionId)", token: token).json
                #expect(done["status"] as? String == "Succeeded")
                let lastSeen = try #require(try await http.machine(id, token: token)?["lastSeen"] as? String)
                let finished = try #require(mdeDate(done["lastUpdateDateTimeUtc"]))
                #expect(try #require(mdeDate(lastSeen)) <= finished)
                sim.simulator.advanceClock(by: 10 * Self.day)
                let silent = try #require(try await http.machine(id, token: token))
                #expect(silent["lastSeen"] as? String == lastSeen)
                #expect(silent["healthStatus"] as? String == "Inactive")

                let filter = q("machineId eq '\(id)' and type eq 'Offboard'")
                let listed = try await http.get("/api/machineactions?$filter=\(filter)", token: token).values
                #expect(listed.map { $0["id"] as? String } == [actionId])
            }
        }
    }

    @Test func reonboardedDevicesKeepReporting() async throws {
        try await withSimulator(.init(devices: 200, rateLimits: .unlimited, reonboardFraction: 0)) { sim in
            try await SimHTTP.with(sim) { http in
                let token = try await http.token()
                let device = try #require(try await http.reportingWindowsDevice(token: token))
                let id = try #require(device["id"] as? String)
                sim.simulator.setKeepsReporting(id)
                let created = try await http.postJSON("/api/machines/\(id)/offboard", #"{"Comment":"x"}"#, token: token)
                let actionId = try #require(try created.json["id"] as? String)
                sim.simulator.advanceClock(by: 5 * Self.day)
                let action = try await http.get("/api/machineactions/\(actionId)", token: token).json
                #expect(action["status"] as? String == "Succeeded")
                let machine = try #require(try await http.machine(id, token: token))
                let lastSeen = try #require(mdeDate(machine["lastSeen"]))
                #expect(lastSeen > (mdeDate(action["lastUpdateDateTimeUtc"]) ?? .distantFuture))
                #expect(sim.simulator.now().timeIntervalSince(lastSeen) < Self.day)
            }
        }
    }

    @Test func timesOutWhenTheDeviceNeverReports() async throws {
        try await withSimulator(.init(devices: 200, rateLimits: .unlimited)) { sim in
            try await SimHTTP.with(sim) { http in
                let token = try await http.token()
                let device = try #require(try await http.reportingWindowsDevice(token: token))
                let id = try #require(device["id"] as? String)
                let created = try await http.postJSON("/api/machines/\(id)/offboard", #"{"Comment":"x"}"#, token: token)
                let actionId = try #require(try created.json["id"] as? String)
                sim.simulator.retireDeviceSilently(id)
                sim.simulator.advanceClock(by: 6 * Self.day)
                #expect(
                    try await http.get("/api/machineactions/\(actionId)", token: token).json["status"] as? String
                        == "Pending")
                sim.simulator.advanceClock(by: 2 * Self.day)
                let action = try await http.get("/api/machineactions/\(actionId)", token: token).json
                #expect(action["status"] as? String == "TimeOut")
                let created7 = try #require(mdeDate(try created.json["creationDateTimeUtc"]))
                #expect(mdeDate(action["lastUpdateDateTimeUtc"]) == created7.addingTimeInterval(7 * Self.day))
                // A new offboard is allowed once the old one is final.
                let retry = try await http.postJSON(
                    "/api/machines/\(id)/offboard", #"{"Comment":"retry"}"#, token: token)
                #expect(retry.status == 201)
            }
        }
    }

    @Test func refusesBadRequests() async throws {
        try await withSimulator(.init(devices: 300, rateLimits: .unlimited)) { sim in
            try await SimHTTP.with(sim) { http in
                let token = try await http.token()
                let device = try #require(try await http.reportingWindowsDevice(token: token))
                let id = try #require(device["id"] as? String)
                let uri = "/api/machines/\(id)/offboard"
                let lowercase = try await http.postJSON(uri, #"{"comment": "wrong case"}"#, token: token)
                #expect(lowercase.status == 400)
                #expect(lowercase.errorCode == "MissingRequiredParameter")
                let notJSON = try await http.postJSON(uri, "Comment=x", token: token)
                #expect(notJSON.status == 400)
                #expect(notJSON.errorCode == "InvalidRequestBody")
                let missing = try await http.postJSON(
                    "/api/machines/\(String(repeating: "f", count: 40))/offboard",
                    #"{"Comment":"x"}"#, token: token)
                #expect(missing.status == 404)
                let mac = try #require(
                    try await http.get("/api/machines?$filter=\(q("osPlatform eq 'macOS'"))&$top=1", token: token)
                        .values.first?["id"] as? String)
                let unsupported = try await http.postJSON(
                    "/api/machines/\(mac)/offboard", #"{"Comment":"x"}"#, token: token)
                #expect(unsupported.status == 400)
                #expect(unsupported.errorCode == "OsPlatformNotSupported")
                #expect(try await http.postJSON(uri, #"{"Comment":"x"}"#, token: "bogus").status == 401)
                #expect(sim.simulator.requestCount("POST /api/machines/{id}/offboard", status: 400) == 3)
            }
        }
    }
}
