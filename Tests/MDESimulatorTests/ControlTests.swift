import Foundation
import HummingbirdTesting
import MDESimulator
import MDETestSupport
import Testing

@Suite struct ControlTests {
    @Test func failsExactlyTheRequestedOccurrence() async throws {
        try await withSimulator(.init(devices: 5)) { sim in
            try await SimHTTP.with(sim) { http in
                let token = try await http.token()
                sim.simulator.failRequest("GET /api/machines", occurrence: 3, with: .status(500))
                var statuses: [Int] = []
                for _ in 0..<4 { statuses.append(try await http.get("/api/machines", token: token).status) }
                #expect(statuses == [200, 200, 500, 200])
                // Route patterns match too, and other routes are not affected.
                sim.simulator.failRequest("GET /api/machines/{id}", with: .status(429))
                #expect(try await http.get("/api/machines", token: token).status == 200)
                let throttled = try await http.get("/api/machines/abc", token: token)
                #expect(throttled.status == 429)
                #expect(throttled.errorCode == "TooManyRequests")
                #expect(throttled.headers[.retryAfter] == "1")
            }
        }
    }

    @Test func failsOverHTTPControl() async throws {
        try await withSimulator(.init(devices: 5)) { sim in
            try await SimHTTP.with(sim) { http in
                let token = try await http.token()
                let set = try await http.request(
                    .post, "/_sim/fail?route=GET%20/api/machineactions&occurrence=2&status=503")
                #expect(set.status == 200)
                #expect(try await http.get("/api/machineactions", token: token).status == 200)
                let failed = try await http.get("/api/machineactions", token: token)
                #expect(failed.status == 503)
                #expect(failed.errorCode == "ServiceUnavailable")
                _ = try await http.request(.post, "/_sim/fail?route=GET%20/api/machineactions")
                _ = try await http.request(.delete, "/_sim/fail")
                #expect(try await http.get("/api/machineactions", token: token).status == 200)
                #expect(try await http.request(.post, "/_sim/fail?status=500").status == 400)
            }
        }
    }

    @Test func resetAndTruncateBreakTheConnection() async throws {
        try await withSimulator(.init(devices: 5)) { sim in
            let token = try await SimHTTP.with(sim) { try await $0.token() }
            sim.simulator.failRequest("GET /api/machines", with: .reset)
            await #expect(throws: (any Error).self) {
                try await SimHTTP.with(sim) { try await $0.get("/api/machines", token: token) }
            }
            sim.simulator.failRequest("GET /api/machines", with: .truncate)
            await #expect(throws: (any Error).self) {
                try await SimHTTP.with(sim) { try await $0.get("/api/machines", token: token) }
            }
            let ok = try await SimHTTP.with(sim) { try await $0.get("/api/machines", token: token) }
            #expect(ok.status == 200)
        }
    }

    @Test func countsRequestsByRouteAndStatus() async throws {
        try await withSimulator(.init(devices: 5)) { sim in
            try await SimHTTP.with(sim) { http in
                let token = try await http.token()
                _ = try await http.get("/api/machines", token: token)
                _ = try await http.get("/api/machines", token: token)
                _ = try await http.get("/api/machines/nope", token: token)
                _ = try await http.get("/api/machines", token: nil)
                let counts = sim.simulator.requestCounts()
                #expect(counts[RouteStatus(route: "GET /api/machines", status: 200)] == 2)
                #expect(counts[RouteStatus(route: "GET /api/machines", status: 401)] == 1)
                #expect(counts[RouteStatus(route: "GET /api/machines/{id}", status: 404)] == 1)
                #expect(counts[RouteStatus(route: "POST /{tenantId}/oauth2/v2.0/token", status: 200)] == 1)
                #expect(sim.simulator.requestCount("GET /api/machines") == 3)

                let stats = try await http.request(.get, "/_sim/stats").json
                let rows = try #require(stats["requests"] as? [[String: Any]])
                let row = rows.first { $0["route"] as? String == "GET /api/machines" && $0["status"] as? Int == 200 }
                #expect(row?["count"] as? Int == 2)
                #expect(stats["total"] as? Int == 5)
            }
        }
    }

    @Test func dateHeaderIsTheVirtualClock() async throws {
        try await withSimulator(.init(devices: 5)) { sim in
            try await SimHTTP.with(sim) { http in
                let token = try await http.token()
                let first = try await http.get("/api/machines", token: token)
                #expect(first.headers[.date] == "Mon, 02 Nov 2026 09:00:00 GMT")
                let again = try await http.get("/api/machines", token: token)
                #expect(again.text == first.text, "the clock does not move by itself")
                sim.simulator.advanceClock(by: 86_400 + 61)
                #expect(
                    try await http.get("/api/machines", token: token).headers[.date] == "Tue, 03 Nov 2026 09:01:01 GMT")
                let clock = try await http.request(.post, "/_sim/clock?advance=3600")
                #expect(try clock.json["now"] as? String == "2026-11-03T10:01:01Z")
                #expect(clock.headers[.date] == "Tue, 03 Nov 2026 10:01:01 GMT")
                #expect(sim.simulator.now() == SimulatorConfiguration.defaultStart.addingTimeInterval(90_061))
            }
        }
    }

    @Test func harnessShutsTheServerDown() async throws {
        struct Boom: Error {}
        let port = try await withSimulator(.init(devices: 1)) { $0.port }
        await #expect(throws: (any Error).self) {
            try await TestClient.withClient(host: "127.0.0.1", port: port) { try await $0.get("/_sim/clock") }
        }
        await #expect(throws: Boom.self) {
            try await withSimulator(.init(devices: 1)) { _ in throw Boom() }
        }
    }
}
