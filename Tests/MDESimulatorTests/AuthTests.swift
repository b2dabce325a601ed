import Foundation
import MDESimulator
import MDETestSupport
import Testing

@Suite struct AuthTests {
    @Test func issuesTokensForTheConfiguredClient() async throws {
        try await withSimulator(.init(devices: 5)) { sim in
            try await SimHTTP.with(sim) { http in
                let config = sim.simulator.configuration
                let ok = try await http.request(
                    .post, "/\(config.tenantId)/oauth2/v2.0/token",
                    form: "grant_type=client_credentials&client_id=sim-client&client_secret=sim-secret"
                        + "&scope=https%3A%2F%2Fapi.securitycenter.microsoft.com%2F.default")
                #expect(ok.status == 200)
                let json = try ok.json
                #expect(json["token_type"] as? String == "Bearer")
                #expect(json["expires_in"] as? Int == 3599)
                #expect(json["ext_expires_in"] as? Int == 3599)
                let token = try #require(json["access_token"] as? String)
                #expect(try await http.get("/api/machines", token: token).status == 200)
            }
        }
    }

    @Test func rejectsBadCredentials() async throws {
        try await withSimulator(.init(devices: 5)) { sim in
            try await SimHTTP.with(sim) { http in
                let tenant = sim.simulator.configuration.tenantId
                let scope = "&scope=https%3A%2F%2Fapi.securitycenter.microsoft.com%2F.default"
                let badSecret = try await http.request(
                    .post, "/\(tenant)/oauth2/v2.0/token",
                    form: "grant_type=client_credentials&client_id=sim-client&client_secret=nope" + scope)
                #expect(badSecret.status == 401)
                #expect(try badSecret.json["error"] as? String == "invalid_client")
                #expect((try badSecret.json["error_description"] as? String)?.hasPrefix("AADSTS7000215") == true)
                let badClient = try await http.request(
                    .post, "/\(tenant)/oauth2/v2.0/token",
                    form: "grant_type=client_credentials&client_id=other&client_secret=sim-secret" + scope)
                #expect(badClient.status == 401)
                #expect(try badClient.json["error"] as? String == "invalid_client")
                let badTenant = try await http.request(
                    .post, "/11111111-1111-4111-8111-111111111111/oauth2/v2.0/token",
                    form: "grant_type=client_credentials&client_id=sim-client&client_secret=sim-secret" + scope)
                #expect(badTenant.status == 400)
                let noScope = try await http.request(
                    .post, "/\(tenant)/oauth2/v2.0/token",
                    form: "grant_type=client_credentials&client_id=sim-client&client_secret=sim-secret")
                #expect(noScope.status == 400)
            }
        }
    }

    @Test func apiNeedsAValidBearerToken() async throws {
        try await withSimulator(.init(devices: 5)) { sim in
            try await SimHTTP.with(sim) { http in
                for token in [nil, "made-up"] {
                    let response = try await http.get("/api/machines", token: token)
                    #expect(response.status == 401)
                    let error = try #require(try response.json["error"] as? [String: Any])
                    #expect(error["code"] as? String == "Unauthorized")
                    #expect(error["message"] is String)
                    #expect(error["target"] is String)
                }
                let xdr = try await http.token(scope: "https://api.security.microsoft.com/.default")
                let forbidden = try await http.get("/api/machineactions", token: xdr)
                #expect(forbidden.status == 403)
                #expect(forbidden.errorCode == "Forbidden")
            }
        }
    }

    @Test func unknownIdsAreNotFound() async throws {
        try await withSimulator(.init(devices: 50)) { sim in
            try await SimHTTP.with(sim) { http in
                let token = try await http.token()
                let missing = try await http.get("/api/machines/\(String(repeating: "0", count: 40))", token: token)
                #expect(missing.status == 404)
                #expect(missing.errorCode == "ResourceNotFound")
                let action = try await http.get(
                    "/api/machineactions/5382f7ea-7557-4ab7-9782-d50480024a4e", token: token)
                #expect(action.status == 404)
                #expect(action.errorCode == "ResourceNotFound")
                let notGUID = try await http.get("/api/machineactions/12345", token: token)
                #expect(notGUID.status == 400)
                #expect(notGUID.text.contains("Edm.Guid"))
                let route = try await http.get("/api/alerts", token: token)
                #expect(route.status == 404)

                let first = try #require(try await http.get("/api/machines?$top=1", token: token).values.first)
                let id = try #require(first["id"] as? String)
                let byId = try await http.get("/api/machines/\(id)", token: token)
                #expect(byId.status == 200)
                #expect(try byId.json["id"] as? String == id)
                #expect((try byId.json["@odata.context"] as? String)?.hasSuffix("#Machines/$entity") == true)
                let name = try #require(first["computerDnsName"] as? String)
                let byName = try await http.get("/api/machines/\(name)", token: token)
                #expect(try byName.json["computerDnsName"] as? String == name)

                let anAction = try #require(try await http.get("/api/machineactions?$top=1", token: token).values.first)
                let actionId = try #require(anAction["id"] as? String)
                let got = try await http.get("/api/machineactions/\(actionId)", token: token)
                #expect(got.status == 200)
                #expect(try got.json["id"] as? String == actionId)
            }
        }
    }
}
