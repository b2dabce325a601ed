import Foundation

/// An Entra ID app's client credentials: a client secret, or a federated token file (workload identity
/// federation). `description` and `dump` never show the secret.
public struct ClientCredentials: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var tenantId: String
    public var clientId: String
    /// Empty with a federated token file.
    public var clientSecret: String
    /// `AZURE_FEDERATED_TOKEN_FILE`: read again for every token, since the platform rotates it.
    public var federatedTokenFile: String?
    /// `AZURE_CLIENT_CERTIFICATE_PATH`: signs a client assertion for every token.
    public var certificate: ClientCertificate?

    public init(tenantId: String, clientId: String, clientSecret: String) {
        self.tenantId = tenantId
        self.clientId = clientId
        self.clientSecret = clientSecret
        Secrets.register(clientSecret)
    }

    /// Workload identity federation: the token request presents the file's contents as a client assertion.
    public init(tenantId: String, clientId: String, federatedTokenFile: String) {
        self.tenantId = tenantId
        self.clientId = clientId
        self.clientSecret = ""
        self.federatedTokenFile = federatedTokenFile
    }

    /// Certificate credentials: the token request presents a client assertion signed with the certificate's key.
    public init(tenantId: String, clientId: String, certificate: ClientCertificate) {
        self.tenantId = tenantId
        self.clientId = clientId
        self.clientSecret = ""
        self.certificate = certificate
    }

    /// Which kind of credential this is, as a run records it (never the material): `secret`, `certificate` or
    /// `workload-identity`.
    public var kind: CredentialKind {
        certificate != nil ? .certificate : federatedTokenFile == nil ? .secret : .workloadIdentity
    }

    public var description: String {
        "tenant \(tenantId), client \(clientId), "
            + (kind == .secret ? "secret <redacted>" : kind == .certificate ? "certificate" : "federated token file")
    }
    public var debugDescription: String { "ClientCredentials(\(description))" }
    public var customMirror: Mirror {
        Mirror(self, children: ["tenantId": tenantId, "clientId": clientId, "clientSecret": "<redacted>"])
    }

    /// Reads `AZURE_TENANT_ID`, `AZURE_CLIENT_ID` and `AZURE_CLIENT_SECRET`, or instead of the secret
    /// `AZURE_CLIENT_SECRET_FILE` (a file readable by its owner only; surrounding whitespace is trimmed).
    /// - Throws: `MDEConfigurationError` naming the missing variable, or the file and the `chmod 600` fix.
    /// With `kind` `.auto`, Azure Identity's EnvironmentCredential order: a secret, then a certificate, then a
    /// federated token file.
    public static func fromEnvironment(
        _ env: [String: String] = ProcessInfo.processInfo.environment, kind: CredentialKind = .auto,
        algorithm: AssertionAlgorithm = .ps256
    ) throws -> ClientCredentials {
        func required(_ name: String, _ what: String) throws -> String {
            guard let value = env[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else {
                throw MDEConfigurationError("\(name) is not set; export it (\(what))")
            }
            return value
        }
        let tenantId = try required("AZURE_TENANT_ID", "the Entra tenant id")
        let clientId = try required("AZURE_CLIENT_ID", "the app registration's client id")
        let secret = env["AZURE_CLIENT_SECRET"].flatMap { $0.isEmpty ? nil : $0 }
        let secretFile = env["AZURE_CLIENT_SECRET_FILE"].flatMap { $0.isEmpty ? nil : $0 }
        let federated = env["AZURE_FEDERATED_TOKEN_FILE"].flatMap { $0.isEmpty ? nil : $0 }
        let certificate = env["AZURE_CLIENT_CERTIFICATE_PATH"].flatMap { $0.isEmpty ? nil : $0 }
        switch kind {
        case .managedIdentity:
            throw MDEConfigurationError(
                "--credential managed-identity is not supported yet; use a client secret, a certificate "
                    + "(AZURE_CLIENT_CERTIFICATE_PATH) or workload identity (AZURE_FEDERATED_TOKEN_FILE)")
        case .certificate:
            guard let certificate else {
                throw MDEConfigurationError(
                    "AZURE_CLIENT_CERTIFICATE_PATH is not set; point it at a PEM file with the app's certificate and "
                        + "private key (--credential certificate)")
            }
            return ClientCredentials(
                tenantId: tenantId, clientId: clientId,
                certificate: try ClientCertificate(pemFile: certificate, algorithm: algorithm))
        case .auto where secret == nil && secretFile == nil && certificate != nil:
            return ClientCredentials(
                tenantId: tenantId, clientId: clientId,
                certificate: try ClientCertificate(pemFile: certificate!, algorithm: algorithm))
        case .workloadIdentity:
            guard let federated else {
                throw MDEConfigurationError(
                    "AZURE_FEDERATED_TOKEN_FILE is not set; point it at the projected service account token "
                        + "(--credential workload-identity)")
            }
            return ClientCredentials(tenantId: tenantId, clientId: clientId, federatedTokenFile: federated)
        case .auto where secret == nil && secretFile == nil && federated != nil:
            return ClientCredentials(tenantId: tenantId, clientId: clientId, federatedTokenFile: federated!)
        case .auto, .secret:
            break
        }
        switch (secret, secretFile) {
        case (let secret?, nil):
            return ClientCredentials(tenantId: tenantId, clientId: clientId, clientSecret: secret)
        case (nil, let path?):
            return ClientCredentials(tenantId: tenantId, clientId: clientId, clientSecret: try readSecret(at: path))
        case (.some, .some):
            throw MDEConfigurationError(
                "both AZURE_CLIENT_SECRET and AZURE_CLIENT_SECRET_FILE are set; unset one of them")
        case (nil, nil):
            throw MDEConfigurationError(
                "AZURE_CLIENT_SECRET is not set; export it or point AZURE_CLIENT_SECRET_FILE at a file holding it"
                    + (kind == .auto ? ", or AZURE_FEDERATED_TOKEN_FILE at a federated token (workload identity)" : ""))
        }
    }

    /// Reads the secret file, checking the file actually opened (`fstat` on the descriptor, so nothing can be
    /// swapped in between): a regular file readable by its owner only. A symbolic link is followed to its target,
    /// which is what is checked: Kubernetes mounts secrets as links to owner-only files.
    static func readSecret(at path: String) throws -> String {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else {
            throw MDEConfigurationError(
                "AZURE_CLIENT_SECRET_FILE '\(path)' cannot be read (\(String(cString: strerror(errno)))); check the path"
            )
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
            throw MDEConfigurationError("AZURE_CLIENT_SECRET_FILE '\(path)' is not a regular file; point it at a file")
        }
        let mode = Int(info.st_mode & 0o777)
        // A secret other users can read is already leaked; refuse rather than use it quietly.
        guard mode & 0o077 == 0 else {
            throw MDEConfigurationError(
                "AZURE_CLIENT_SECRET_FILE '\(path)' is readable by group or others (mode \(String(mode, radix: 8))); "
                    + "run chmod 600 on the file (for a link, on its target)")
        }
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while data.count <= maxSecretFileBytes {
            let count = read(fd, &buffer, buffer.count)
            guard count >= 0 else {
                throw MDEConfigurationError("AZURE_CLIENT_SECRET_FILE '\(path)' cannot be read; check the file")
            }
            if count == 0 { break }
            data.append(contentsOf: buffer[0..<count])
        }
        guard data.count <= maxSecretFileBytes else {
            throw MDEConfigurationError(
                "AZURE_CLIENT_SECRET_FILE '\(path)' is larger than 64 KB; it must hold only the client secret")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw MDEConfigurationError("AZURE_CLIENT_SECRET_FILE '\(path)' cannot be read as UTF-8 text")
        }
        let secret = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !secret.isEmpty else {
            throw MDEConfigurationError("AZURE_CLIENT_SECRET_FILE '\(path)' is empty; write the client secret to it")
        }
        return secret
    }

    static let maxSecretFileBytes = 64 << 10
}

/// How the app proves who it is (`--credential`).
public enum CredentialKind: String, Sendable, CaseIterable {
    /// A secret if one is set, else a certificate, else a federated token file (Azure Identity's
    /// EnvironmentCredential order).
    case auto
    case secret
    case certificate
    case managedIdentity = "managed-identity"
    case workloadIdentity = "workload-identity"
}
