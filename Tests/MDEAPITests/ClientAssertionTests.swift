import AsyncHTTPClient
import Foundation
import MDESimulator
import MDETestSupport
import Testing

@testable import AzureAccess
@testable import MDEAPI

/// The simulator checks a certificate's client assertion as Entra does: each assertion once, for its own token
/// endpoint, within its time window. Sent by hand, so each rule is seen on its own.
@Suite struct ClientAssertionTests {
    static func post(_ form: String, to url: String) async throws -> (status: Int, body: String) {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.body = .bytes(Data(form.utf8))
        let response = try await MDEHTTPClient.shared.direct.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 1 << 20)
        return (Int(response.status.code), String(buffer: body))
    }

    @Test func anAssertionIsAcceptedOnceForItsEndpointAndTime() async throws {
        let folder = try TemporaryFolder()
        let app = try TestCertificate()
        try app.write(to: folder.path("app.pem"))
        let certificate = try ClientCertificate(file: folder.path("app.pem"))
        var configuration = SimulatorConfiguration(devices: 1, rateLimits: .unlimited)
        configuration.certificates = [app.certificatePEM]
        try await withSimulator(configuration) { sim in
            let clientId = sim.simulator.configuration.clientId
            func form(_ assertion: String) -> String {
                "grant_type=client_credentials&client_id=\(clientId)"
                    + "&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer"
                    + "&client_assertion=\(assertion)&scope=https%3A%2F%2Fapi.securitycenter.microsoft.com%2F.default"
            }
            let good = try certificate.assertion(clientId: clientId, audience: sim.tokenURL, now: Date())
            #expect(try await Self.post(form(good), to: sim.tokenURL).status == 200)
            let replay = try await Self.post(form(good), to: sim.tokenURL)
            #expect(replay.status == 401 && replay.body.contains("AADSTS700023"), "\(replay.body)")
            let elsewhere = try certificate.assertion(
                clientId: clientId, audience: "https://login.microsoftonline.com/t/oauth2/v2.0/token", now: Date())
            let wrongAudience = try await Self.post(form(elsewhere), to: sim.tokenURL)
            #expect(wrongAudience.status == 401 && wrongAudience.body.contains("AADSTS700016"), "\(wrongAudience.body)")
            let old = try certificate.assertion(
                clientId: clientId, audience: sim.tokenURL, now: Date().addingTimeInterval(-3600))
            let expired = try await Self.post(form(old), to: sim.tokenURL)
            #expect(expired.status == 401 && expired.body.contains("AADSTS700024"), "\(expired.body)")
            var parts = good.split(separator: ".").map(String.init)
            parts[2] = String(parts[2].reversed())
            let forged = try await Self.post(form(parts.joined(separator: ".")), to: sim.tokenURL)
            #expect(forged.status == 401 && forged.body.contains("AADSTS"), "\(forged.body)")
        }
    }
}
