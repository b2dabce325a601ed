import MDESimulator
import MDETestSupport
import Testing

@Suite struct PagingTests {
    @Test func pagesWithTopAndSkip() async throws {
        try await withSimulator(.init(devices: 25_001)) { sim in
            try await SimHTTP.with(sim) { http in
                let token = try await http.token()
                var ids = Set<String>()
                var sizes: [Int] = []
                for skip in stride(from: 0, to: 30_000, by: 10_000) {
                    let page = try await http.get("/api/machines?$top=10000&$skip=\(skip)", token: token)
                    #expect(page.status == 200)
                    #expect(try page.json["@odata.nextLink"] == nil, "no nextLink when $top is given")
                    let values = try page.values
                    sizes.append(values.count)
                    ids.formUnion(values.compactMap { $0["id"] as? String })
                }
                #expect(sizes == [10_000, 10_000, 5_001])
                #expect(ids.count == 25_001)
            }
        }
    }

    @Test func followsNextLinkWithoutTop() async throws {
        try await withSimulator(.init(devices: 25_001)) { sim in
            try await SimHTTP.with(sim) { http in
                let token = try await http.token()
                var uri: String? = "/api/machines"
                var sizes: [Int] = []
                var ids = Set<String>()
                while let next = uri {
                    let page = try await http.get(next, token: token)
                    let json = try page.json
                    #expect((json["@odata.context"] as? String)?.hasSuffix("/api/$metadata#Machines") == true)
                    let values = try page.values
                    sizes.append(values.count)
                    ids.formUnion(values.compactMap { $0["id"] as? String })
                    uri = (json["@odata.nextLink"] as? String).map { link in
                        String(link.dropFirst(sim.baseURL.count))
                    }
                    if let uri { #expect(uri.hasPrefix("/api/machines?$skip=")) }
                }
                #expect(sizes == [10_000, 10_000, 5_001])
                #expect(ids.count == 25_001)
            }
        }
    }

    @Test func nextLinkKeepsTheFilter() async throws {
        try await withSimulator(.init(devices: 12_000)) { sim in
            try await SimHTTP.with(sim) { http in
                let filter = q("onboardingStatus eq 'Onboarded'")
                let page = try await http.authorizedGet("/api/machines?$filter=\(filter)")
                let link = try #require(try page.json["@odata.nextLink"] as? String)
                #expect(link == "\(sim.baseURL)/api/machines?$filter=\(filter)&$skip=10000")
            }
        }
    }

    @Test func topAboveTenThousandIsRejected() async throws {
        try await withSimulator(.init(devices: 10)) { sim in
            try await SimHTTP.with(sim) { http in
                let token = try await http.token()
                let tooBig = try await http.get("/api/machines?$top=10001", token: token)
                #expect(tooBig.status == 400)
                #expect(tooBig.errorCode == "ODataError")
                #expect(tooBig.text.contains("10000"))
                let negative = try await http.get("/api/machineactions?$skip=-1", token: token)
                #expect(negative.status == 400)
                // MDE has $expand on alerts only.
                let unsupported = try await http.get("/api/machines?$expand=evidence", token: token)
                #expect(unsupported.status == 400)
                #expect(unsupported.errorCode == "ODataError")
                let skipped = try await http.get("/api/machines?$skip=8&$top=5", token: token)
                #expect(try skipped.values.count == 2)
            }
        }
    }
}
