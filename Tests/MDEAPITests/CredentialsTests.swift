import Foundation
import MDEAPI
import Testing

@Suite struct CredentialsTests {
    let base = ["AZURE_TENANT_ID": "tenant-1", "AZURE_CLIENT_ID": "client-1"]

    @Test func readsTheEnvironment() throws {
        var env = base
        env["AZURE_CLIENT_SECRET"] = "s3cret-value"
        let credentials = try ClientCredentials.fromEnvironment(env)
        #expect(credentials.tenantId == "tenant-1")
        #expect(credentials.clientId == "client-1")
        #expect(credentials.clientSecret == "s3cret-value")
    }

    @Test func neverShowsTheSecret() {
        let credentials = ClientCredentials(tenantId: "t", clientId: "c", clientSecret: "s3cret-value")
        var dumped = ""
        dump(credentials, to: &dumped)
        for text in [credentials.description, String(reflecting: credentials), "\(credentials)", dumped] {
            #expect(!text.contains("s3cret-value"))
            #expect(text.contains("<redacted>"))
        }
    }

    @Test(arguments: ["AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET"])
    func namesTheMissingVariable(name: String) {
        var env = base
        env["AZURE_CLIENT_SECRET"] = "x"
        env[name] = name == "AZURE_CLIENT_SECRET" ? nil : ""
        let error = #expect(throws: MDEConfigurationError.self) { try ClientCredentials.fromEnvironment(env) }
        #expect(error?.description.hasPrefix("\(name) is not set") == true)
    }

    @Test func refusesBothSecretSources() {
        var env = base
        env["AZURE_CLIENT_SECRET"] = "x"
        env["AZURE_CLIENT_SECRET_FILE"] = "/nonexistent"
        #expect(throws: MDEConfigurationError.self) { try ClientCredentials.fromEnvironment(env) }
    }

    @Test func readsAnOwnerOnlySecretFile() throws {
        let file = try secretFile(contents: "file-secret\n", mode: 0o600)
        var env = base
        env["AZURE_CLIENT_SECRET_FILE"] = file
        #expect(try ClientCredentials.fromEnvironment(env).clientSecret == "file-secret")
    }

    @Test(arguments: [0o640, 0o604, 0o644])
    func refusesASecretFileOthersCanRead(mode: Int) throws {
        let file = try secretFile(contents: "file-secret", mode: mode)
        var env = base
        env["AZURE_CLIENT_SECRET_FILE"] = file
        let error = #expect(throws: MDEConfigurationError.self) { try ClientCredentials.fromEnvironment(env) }
        #expect(error?.description.contains("chmod 600") == true)
        #expect(error?.description.contains("file-secret") == false)
    }

    @Test func refusesMissingAndEmptySecretFiles() throws {
        var env = base
        env["AZURE_CLIENT_SECRET_FILE"] = "/nonexistent/secret"
        let missing = #expect(throws: MDEConfigurationError.self) { try ClientCredentials.fromEnvironment(env) }
        #expect(missing?.description.contains("/nonexistent/secret") == true)
        env["AZURE_CLIENT_SECRET_FILE"] = try secretFile(contents: " \n", mode: 0o600)
        let empty = #expect(throws: MDEConfigurationError.self) { try ClientCredentials.fromEnvironment(env) }
        #expect(empty?.description.contains("is empty") == true)
    }

    /// Issue 12: Kubernetes mounts a secret as a symbolic link (mode 0777) to an owner-only file.
    @Test func followsASymlinkToAnOwnerOnlyTarget() throws {
        let target = try secretFile(contents: "linked-secret\n", mode: 0o400)
        let link = target + "-link"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        var env = base
        env["AZURE_CLIENT_SECRET_FILE"] = link
        #expect(try ClientCredentials.fromEnvironment(env).clientSecret == "linked-secret")
    }

    @Test func refusesASymlinkToATargetOthersCanRead() throws {
        let target = try secretFile(contents: "linked-secret", mode: 0o644)
        let link = target + "-link"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        var env = base
        env["AZURE_CLIENT_SECRET_FILE"] = link
        let error = #expect(throws: MDEConfigurationError.self) { try ClientCredentials.fromEnvironment(env) }
        #expect(error?.description.contains("mode 644") == true, "\(String(describing: error))")
    }

    @Test func refusesADirectoryAsSecretFile() throws {
        var env = base
        env["AZURE_CLIENT_SECRET_FILE"] = FileManager.default.temporaryDirectory.path
        let error = #expect(throws: MDEConfigurationError.self) { try ClientCredentials.fromEnvironment(env) }
        #expect(error?.description.contains("not a regular file") == true, "\(String(describing: error))")
    }

    private func secretFile(contents: String, mode: Int) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mdeapi-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("secret").path
        #expect(FileManager.default.createFile(atPath: path, contents: Data(contents.utf8)))
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
        return path
    }
}
