import MDESimulator
import MDETestSupport
import Testing

@Suite struct FaultTests {
    @Test func parsesSpecs() throws {
        let faults = try SimulatedFaults(
            parsing: "500@0.05,429@0.02,reset@0.01,truncate@0.01,delay=2s@0.01,token-ttl=120s")
        #expect(
            faults.rules == [
                .init(.status(500), probability: 0.05), .init(.status(429), probability: 0.02),
                .init(.reset, probability: 0.01), .init(.truncate, probability: 0.01),
                .init(.delay(2), probability: 0.01),
            ])
        #expect(faults.tokenLifetime == 120)
        #expect(faults.description == "500@0.05,429@0.02,reset@0.01,truncate@0.01,delay=2s@0.01,token-ttl=120s")
        #expect(try SimulatedFaults(parsing: "delay=250ms@0.5").rules == [.init(.delay(0.25), probability: 0.5)])
        #expect(try SimulatedFaults(parsing: "none") == .none)
        for bad in ["500", "200@0.1", "500@1.5", "explode@0.1", "500@0.6,503@0.6", "token-ttl=soon", "delay=x@0.1"] {
            #expect(throws: SimulatorSpecError.self, "\(bad)") { try SimulatedFaults(parsing: bad) }
        }
    }

    /// Statuses of `count` sequential machine-list calls under `faults`, with no rate limit.
    private func statuses(seed: UInt64, faults: String, count: Int = 40) async throws -> [Int] {
        let config = SimulatorConfiguration(
            seed: seed, devices: 5, rateLimits: .unlimited, faults: try .init(parsing: faults))
        return try await withSimulator(config) { sim in
            try await SimHTTP.with(sim) { http in
                let token = try await http.token()
                var statuses: [Int] = []
                for _ in 0..<count { statuses.append(try await http.get("/api/machines?$top=1", token: token).status) }
                return statuses
            }
        }
    }

    @Test func faultsFollowTheSeed() async throws {
        let a = try await statuses(seed: 7, faults: "500@0.3,429@0.2")
        let b = try await statuses(seed: 7, faults: "500@0.3,429@0.2")
        let c = try await statuses(seed: 8, faults: "500@0.3,429@0.2")
        #expect(a == b)
        #expect(a != c)
        #expect(Set(a) == [200, 429, 500])
        #expect(a.filter { $0 == 200 }.count > 8)
    }

    @Test func faultsSpareTokenAndControlRoutes() async throws {
        let config = SimulatorConfiguration(devices: 5, rateLimits: .unlimited, faults: try .init(parsing: "503@1"))
        try await withSimulator(config) { sim in
            try await SimHTTP.with(sim) { http in
                let token = try await http.token()
                #expect(try await http.request(.get, "/_sim/stats").status == 200)
                let failed = try await http.get("/api/machineactions", token: token)
                #expect(failed.status == 503)
                #expect(failed.errorCode == "ServiceUnavailable")
                let throttled = try await http.request(.post, "/_sim/faults?spec=429@1")
                #expect(try throttled.json["spec"] as? String == "429@1")
                let limited = try await http.get("/api/machines", token: token)
                #expect(limited.status == 429)
                #expect(limited.headers[.retryAfter] == "1")
                #expect(try await http.request(.post, "/_sim/faults?spec=bogus@1").status == 400)
                _ = try await http.request(.delete, "/_sim/faults")
                #expect(try await http.get("/api/machines", token: token).status == 200)
            }
        }
    }

    @Test func resetTruncateAndDelay() async throws {
        let config = SimulatorConfiguration(devices: 5, rateLimits: .unlimited, faults: try .init(parsing: "reset@1"))
        try await withSimulator(config) { sim in
            let token = try await SimHTTP.with(sim) { try await $0.token() }
            await #expect(throws: (any Error).self) {
                try await SimHTTP.with(sim) { try await $0.get("/api/machines", token: token) }
            }
            sim.simulator.setFaults(try .init(parsing: "truncate@1"))
            await #expect(throws: (any Error).self) {
                try await SimHTTP.with(sim) { try await $0.get("/api/machines", token: token) }
            }
            sim.simulator.setFaults(try .init(parsing: "delay=10ms@1"))
            let delayed = try await SimHTTP.with(sim) { try await $0.get("/api/machines", token: token) }
            #expect(delayed.status == 200)
            #expect(try delayed.values.count == 5)
        }
    }

    @Test func shortTokenLifetimeGives401() async throws {
        let config = SimulatorConfiguration(devices: 5, faults: try .init(parsing: "token-ttl=0s"))
        try await withSimulator(config) { sim in
            try await SimHTTP.with(sim) { http in
                let expired = try await http.get("/api/machines", token: try await http.token())
                #expect(expired.status == 401)
                #expect(expired.text.contains("expired"))
                sim.simulator.setFaults(.none)
                #expect(try await http.get("/api/machines", token: try await http.token()).status == 200)
            }
        }
    }
}
