import Foundation
import GRDB
import MDESimulator
import MDETestSupport
import Testing

/// Certificate credentials: the token request presents a client assertion signed with the app's key, which the
/// simulator checks as Entra does (registered certificate by thumbprint, signature, audience, issuer, time, replay).
@Suite struct CertificateCredentialTests {
    @Test(arguments: ["ps256", "rs256"])
    func aSyncWithACertificateAndNoSecret(algorithm: String) async throws {
        let folder = try TemporaryFolder()
        let db = folder.path("l.sqlite")
        let app = try TestCertificate()
        let bundle = folder.path("app.pem")
        try app.write(to: bundle)
        var configuration = SimulatorConfiguration(devices: 5, rateLimits: .unlimited)
        configuration.certificates = [app.certificatePEM]
        configuration.allowsClientSecret = false
        try await withSimulator(configuration) { sim in
            // An app that allows certificates only refuses even its old secret.
            let secret = try await CLIRunner.run(
                ["sync", "--no-progress", "--db", folder.path("secret.sqlite")], environment: sim.environment)
            #expect(secret.status == 1)
            #expect(secret.stderr.contains("AADSTS7000215"), "\(secret.stderr)")
            let env = sim.environment.merging(["AZURE_CLIENT_SECRET": "", "AZURE_CLIENT_CERTIFICATE_PATH": bundle]) {
                _, new in new
            }
            let sync = try await CLIRunner.run(
                ["sync", "--no-progress", "--db", db, "--assertion-algorithm", algorithm], environment: env)
            #expect(sync.status == 0, "\(sync.stderr)")
            // Another key with a certificate the app never registered is refused by Entra's rule.
            let stranger = try TestCertificate(commonName: "not registered")
            try stranger.write(to: bundle)
            let refused = try await CLIRunner.run(["sync", "--no-progress", "--db", db], environment: env)
            #expect(refused.status == 1)
            #expect(refused.stderr.contains("AADSTS700027"), "\(refused.stderr)")
        }
        let kinds = try await DatabaseQueue(path: db).read {
            try String?.fetchAll(
                $0,
                sql:
                    "SELECT payload ->> '$.credential' FROM events WHERE kind = 'run_committed' AND payload ->> '$.kind' IS NOT 'graph' ORDER BY seq"
            )
        }
        #expect(kinds == ["certificate"])
    }

    /// The token endpoint issues a token and the answer is cut short: the retry must sign a new assertion, since
    /// the first one's jti is used up (resending it is refused as a replay).
    @Test func aRetriedTokenRequestSignsANewAssertion() async throws {
        let folder = try TemporaryFolder()
        let app = try TestCertificate()
        try app.write(to: folder.path("app.pem"))
        var configuration = SimulatorConfiguration(devices: 5, rateLimits: .unlimited)
        configuration.certificates = [app.certificatePEM]
        try await withSimulator(configuration) { sim in
            sim.simulator.failRequest("POST /{tenantId}/oauth2/v2.0/token", with: .truncate)
            let env = sim.environment.merging([
                "AZURE_CLIENT_SECRET": "", "AZURE_CLIENT_CERTIFICATE_PATH": folder.path("app.pem"),
            ]) { _, new in new }
            // --no-graph: the Graph step would ask for a second token (another scope).
            let sync = try await CLIRunner.run(
                ["sync", "--no-progress", "--no-graph", "--db", folder.path("l.sqlite")], environment: env)
            #expect(sync.status == 0, "\(sync.stderr)")
            #expect(sim.simulator.requestCount("POST /{tenantId}/oauth2/v2.0/token") == 2)
        }
    }

    /// A .pfx exported by openssl, its password in an owner-only file: the sync runs on it, and the password
    /// reaches neither the output nor the ledger.
    @Test func aSyncWithAPFXAndItsPasswordFile() async throws {
        let folder = try TemporaryFolder()
        let app = try TestCertificate()
        try app.write(to: folder.path("app.pem"))
        let password = "Zertifikat-Passwort-9876"
        let pfx = folder.path("app.pfx")
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        openssl.arguments = [
            "openssl", "pkcs12", "-export", "-in", folder.path("app.pem"), "-out", pfx, "-passout", "pass:\(password)",
        ]
        try openssl.run()
        openssl.waitUntilExit()
        try #require(openssl.terminationStatus == 0)
        chmod(pfx, 0o600)
        let passwordFile = folder.path("pfx-password")
        FileManager.default.createFile(
            atPath: passwordFile, contents: Data((password + "\n").utf8), attributes: [.posixPermissions: 0o600])
        var configuration = SimulatorConfiguration(devices: 5, rateLimits: .unlimited)
        configuration.certificates = [app.certificatePEM]
        configuration.allowsClientSecret = false
        let db = folder.path("l.sqlite")
        try await withSimulator(configuration) { sim in
            let env = sim.environment.merging([
                "AZURE_CLIENT_SECRET": "", "AZURE_CLIENT_CERTIFICATE_PATH": pfx,
                "AZURE_CLIENT_CERTIFICATE_PASSWORD_FILE": passwordFile,
            ]) { _, new in new }
            let sync = try await CLIRunner.run(["sync", "--no-progress", "--no-graph", "--db", db], environment: env)
            #expect(sync.status == 0, "\(sync.stderr)")
            #expect(!(sync.stdout + sync.stderr).contains(password))
            let bothSet = try await CLIRunner.run(
                ["sync", "--no-progress", "--no-graph", "--db", db],
                environment: env.merging(["AZURE_CLIENT_CERTIFICATE_PASSWORD": password]) { _, new in new })
            #expect(bothSet.status == 1)
            #expect(bothSet.stderr.contains("unset one"), "\(bothSet.stderr)")
        }
        let ledger = try Data(contentsOf: URL(fileURLWithPath: db))
        #expect(ledger.range(of: Data(password.utf8)) == nil)
    }

    @Test func unusableCertificateFilesAreNamedWithTheFix() async throws {
        let folder = try TemporaryFolder()
        let app = try TestCertificate()
        let env = ["AZURE_TENANT_ID": "t", "AZURE_CLIENT_ID": "c"]
        let open = folder.path("open.pem")
        try app.write(to: open)
        _ = chmod(open, 0o644)
        let onlyCertificate = folder.path("cert-only.pem")
        FileManager.default.createFile(
            atPath: onlyCertificate, contents: Data(app.certificatePEM.utf8), attributes: [.posixPermissions: 0o600])
        for (path, message) in [
            (open, "is readable by group or others; run chmod 600"), (onlyCertificate, "holds no private key"),
            (folder.path("missing.pem"), "cannot be read; check the path"),
        ] {
            let result = try await CLIRunner.run(
                ["sync", "--no-progress", "--db", folder.path("l.sqlite")],
                environment: env.merging(["AZURE_CLIENT_CERTIFICATE_PATH": path]) { _, new in new })
            #expect(result.status == 1)
            #expect(result.stderr.contains(message), "\(path): \(result.stderr)")
        }
    }
}
