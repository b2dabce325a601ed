import MDESimulator
import MDETestSupport
import Testing

@Suite struct RateLimitTests {
    @Test func parsesSpecs() throws {
        let limits = try SimulatedRateLimits(parsing: "100/60s,1500/3600s")
        #expect(limits == .mde)
        #expect(limits.description == "100/60s,1500/3600s")
        #expect(
            try SimulatedRateLimits(parsing: "10/1m, 20/1h").windows == [
                .init(limit: 10, seconds: 60), .init(limit: 20, seconds: 3600),
            ])
        #expect(try SimulatedRateLimits(parsing: "none") == .unlimited)
        for bad in ["100", "100/0s", "x/60s", "100/60q", "0/60s", "100/1.5s"] {
            #expect(throws: SimulatorSpecError.self, "\(bad)") { try SimulatedRateLimits(parsing: bad) }
        }
        let error = #expect(throws: SimulatorSpecError.self) { try SimulatedRateLimits(parsing: "100") }
        #expect(error?.message.contains("100/60s") == true)
    }

    @Test func answers429WithRetryAfterOverTheLimit() async throws {
        // An hour-long window: however slowly a loaded machine runs these calls, none leaves the window mid-test.
        let config = SimulatorConfiguration(devices: 5, rateLimits: try .init(parsing: "5/3600s,1500/86400s"))
        try await withSimulator(config) { sim in
            try await SimHTTP.with(sim) { http in
                let token = try await http.token()
                var statuses: [Int] = []
                for _ in 0..<5 { statuses.append(try await http.get("/api/machines?$top=1", token: token).status) }
                #expect(statuses == [200, 200, 200, 200, 200])
                let limited = try await http.get("/api/machineactions", token: token)
                #expect(limited.status == 429)
                #expect(limited.errorCode == "TooManyRequests")
                let retryAfter = try #require(limited.headers[.retryAfter].flatMap { Int($0) })
                #expect((1...3600).contains(retryAfter))
                // The token endpoint, the control routes and unauthenticated calls are not limited.
                _ = try await http.token()
                #expect(try await http.request(.get, "/_sim/stats").status == 200)
                #expect(try await http.get("/api/machines", token: nil).status == 401)
                #expect(try await http.get("/api/machines", token: token).status == 429)
                #expect(sim.simulator.requestCount("GET /api/machines", status: 429) == 1)

                sim.simulator.setRateLimits(.unlimited)
                #expect(try await http.get("/api/machines?$top=1", token: token).status == 200)
            }
        }
    }

    @Test func limitsAreSetOverHTTP() async throws {
        try await withSimulator(.init(devices: 5)) { sim in
            try await SimHTTP.with(sim) { http in
                #expect(
                    try await http.request(.get, "/_sim/rate-limit").json["spec"] as? String == "100/60s,1500/3600s")
                let set = try await http.request(.post, "/_sim/rate-limit?spec=1/3600s")
                #expect(try set.json["spec"] as? String == "1/3600s")
                let token = try await http.token()
                #expect(try await http.get("/api/machines?$top=1", token: token).status == 200)
                let limited = try await http.get("/api/machines?$top=1", token: token)
                #expect(limited.status == 429)
                #expect(Int(limited.headers[.retryAfter] ?? "") ?? 0 > 3500)
                #expect(try await http.request(.post, "/_sim/rate-limit?spec=oops").status == 400)
                _ = try await http.request(.delete, "/_sim/rate-limit")
                #expect(sim.simulator.rateLimits == .unlimited)
                #expect(try await http.get("/api/machines?$top=1", token: token).status == 200)
            }
        }
    }
}
