import Foundation
import MDEAPI
import Testing

/// Which identity endpoint the environment describes, as Azure Identity detects it; pure, never connects.
@Suite struct ManagedIdentityDetectionTests {
    @Test func aVMUsesIMDSOnItsLinkLocalAddress() throws {
        let identity = try ManagedIdentity.fromEnvironment([:], clientId: nil)
        #expect(identity.source == .imds)
        #expect(identity.endpoint.absoluteString == "http://169.254.169.254/metadata/identity/oauth2/token")
        #expect(!ManagedIdentity.isAnnounced(in: [:]))
    }

    @Test func appServiceAndArcAreToldApartByTheirSecondVariable() throws {
        let app = try ManagedIdentity.fromEnvironment(
            ["IDENTITY_ENDPOINT": "http://127.0.0.1:41741/msi/token", "IDENTITY_HEADER": "h"], clientId: "u")
        #expect(app.source == .appService && app.clientId == "u")
        let arc = try ManagedIdentity.fromEnvironment(
            ["IDENTITY_ENDPOINT": "http://localhost:40342/metadata/identity/oauth2/token", "IMDS_ENDPOINT": "x"],
            clientId: nil)
        #expect(arc.source == .arc)
        let neither = #expect(throws: MDEConfigurationError.self) {
            try ManagedIdentity.fromEnvironment(["IDENTITY_ENDPOINT": "http://127.0.0.1:1/t"], clientId: nil)
        }
        #expect(neither?.message.hasPrefix("IDENTITY_ENDPOINT is set without IDENTITY_HEADER") == true)
    }

    @Test func autoPicksAManagedIdentityOnlyWithoutAnAppCredential() throws {
        let env = ["IDENTITY_ENDPOINT": "http://127.0.0.1:41741/msi/token", "IDENTITY_HEADER": "h"]
        #expect(try ClientCredentials.fromEnvironment(env).kind == .managedIdentity)
        let withSecret = env.merging(["AZURE_TENANT_ID": "t", "AZURE_CLIENT_ID": "c", "AZURE_CLIENT_SECRET": "s"]) {
            _, new in new
        }
        #expect(try ClientCredentials.fromEnvironment(withSecret).kind == .secret)
        #expect(try ClientCredentials.fromEnvironment(withSecret, kind: .managedIdentity).kind == .managedIdentity)
    }

    @Test(arguments: [
        ("https://identity.example.com/token", true), ("http://127.0.0.1:40342/t", true),
        ("http://169.254.169.254/metadata/identity/oauth2/token", true), ("http://10.0.0.5/t", false),
        ("http://169.254.169.254.example.com/t", false), ("ftp://127.0.0.1/t", false),
    ])
    func identityEndpointsAreLocal(_ url: String, _ accepted: Bool) {
        let env = ["IDENTITY_ENDPOINT": url, "IDENTITY_HEADER": "h"]
        #expect(((try? ManagedIdentity.fromEnvironment(env, clientId: nil)) != nil) == accepted, "\(url)")
    }
}
